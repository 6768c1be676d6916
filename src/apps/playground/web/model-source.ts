/**
 * Where the page gets its data (the contract of issue 15, section 2): the
 * playground's HTTP API (./server-source.ts) or, in `convkit report`, the
 * model bytes embedded in the HTML and run in the browser (./report-source.ts).
 * The page (./page.ts) only ever talks to this interface.
 *
 * Training and malware classification exist only in the playground: a source
 * without `training` / `classifyMalware` simply has no Train or malware part.
 */
import type { ModelView } from '../../../model/model-view.js';
import type { CurvePoint } from '../shared/curve-series.js';

export interface Prediction {
  probabilities: number[];
  predicted: number;
  elapsedMs: number;
  /** Every layer with a 3-D output (conv, pool, ...). */
  activations: Array<{ layer: string; shape: number[]; data: Float32Array }>;
}
/** Rows = true class, columns = predicted class. */
export interface ConfusionView { labels: string[]; matrix: number[][] }
export interface ConfusionExample { index: number; pixels: Uint8Array /* h*w*c, 0..255 */; probabilities: number[] }
/** One point of the curves; its epoch is fractional: 1.25 = a quarter into epoch 2. */
export type HistoryPoint = CurvePoint;

export interface ModelSource {
  kind: 'server' | 'report';
  info(): Promise<ModelView & { title: string; trained: boolean }>;
  /** pixels: h*w*c in [0, 1], white digit on black like MNIST. */
  predict(pixels: Float32Array): Promise<Prediction>;
  confusion(): Promise<ConfusionView | null>;
  /** At most 40. */
  confusionExamples(actual: number, predicted: number): Promise<ConfusionExample[]>;
  history(): Promise<HistoryPoint[]>;
  /** Live training (the playground only). */
  training?: TrainingControl;
  /** A file's byteplot and top-3 families (the playground with --malware-model only). */
  classifyMalware?(bytes: ArrayBuffer): Promise<MalwareResult>;
}

export type LabModelName = 'cnn' | 'dense';

export interface TrainRequest {
  models: LabModelName[];
  /** Left out: each model's recipe (src/apps/lab/recipes.ts). */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Caps the training images (quick runs, tests). */
  trainLimit?: number;
  testLimit?: number;
}

export interface ComparisonRow { model: string; testAccuracy: number; errors: number /* per 10,000 */; params: number; trainSeconds: number }
export interface Comparison { models: ComparisonRow[] }

export type JobStatus = 'idle' | 'running' | 'done' | 'stopped' | 'error';
export interface JobState { status: JobStatus; job?: unknown; history: HistoryPoint[]; comparison?: Comparison; message?: string }
export interface TrainingProgress { model: string; epoch: number; loss: number; accuracy: number; imagesPerSecond: number; etaSeconds: number }
export interface EpochEnd { model: string; epoch: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number }

export type TrainingEvent =
  | { type: 'state'; state: JobState }
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'epoch'; epoch: EpochEnd }
  | { type: 'done'; comparison: Comparison }
  | { type: 'stopped' }
  | { type: 'error'; message: string }
  /** The stream itself dropped (the server went away); it reconnects by itself. */
  | { type: 'disconnected' };

export interface TrainingControl {
  /** Rejects with the server's message (e.g. a job is already running). */
  start(request: TrainRequest): Promise<void>;
  stop(): Promise<void>;
  /** Calls onEvent for every event, starting with the current state; returns the unsubscribe function. */
  subscribe(onEvent: (event: TrainingEvent) => void): () => void;
}

export interface MalwareResult {
  byteplot: { width: number; height: number; pixels: Uint8Array /* grey */ };
  top: Array<{ family: string; probability: number }>;
}
