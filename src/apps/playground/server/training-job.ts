/**
 * The one training job (main thread side): starts the worker, keeps the
 * job's snapshot (status, history, comparison, confusion) so that any page,
 * opened before or after, sees it, relays the worker's messages to every
 * page over SSE and stops the run through the shared flag.
 */
import { Worker } from 'node:worker_threads';
import type { ModelKind } from '../../lab/lab-models.js';
import { HttpError } from './http-error.js';
import type { SseEvent, SseHub } from './sse-hub.js';
import { StopFlag } from './stop-flag.js';
import type { ConfusionExample, ConfusionView } from './test-set-confusion.js';
import type { Comparison, TrainRequest, WorkerInput, WorkerMessage } from './training-messages.js';

export type JobStatus = 'idle' | 'running' | 'done' | 'stopped' | 'error';

export interface HistoryPoint {
  model: ModelKind;
  epoch: number;
  loss?: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface JobInfo {
  id: number;
  request: TrainRequest;
  startedAt: string;
  backend?: string;
  trainImages?: number;
  testImages?: number;
}

export interface JobSnapshot {
  status: JobStatus;
  job?: JobInfo;
  history: HistoryPoint[];
  comparison?: Comparison;
  message?: string;
}

export interface TrainingJobOptions {
  dataDir?: string;
  backend?: 'auto' | 'native' | 'reference';
  seed?: number;
  /** Fraction of the training images held out for the validation curves (default 0.1, as the lab's Keras notebook). */
  validationSplit?: number;
  progressPerEpoch?: number;
  /** Called with the CNN's weights several times an epoch. */
  onWeights?: (arrays: Float32Array[], inputShape: number[]) => void;
}

const WORKER_URL = new URL('./training-worker.js', import.meta.url);

export class TrainingJob {
  private status: JobStatus = 'idle';
  private info: JobInfo | undefined;
  private history: HistoryPoint[] = [];
  private comparison: Comparison | undefined;
  private message: string | undefined;
  private worker: Worker | undefined;
  private flag: StopFlag | undefined;
  private nextId = 1;
  confusion: { view: ConfusionView; examples: Map<string, ConfusionExample[]> } | undefined;

  constructor(private readonly hub: SseHub, private readonly options: TrainingJobOptions = {}) {}

  get running(): boolean {
    return this.status === 'running';
  }

  snapshot(): JobSnapshot {
    return { status: this.status, job: this.info, history: this.history, comparison: this.comparison, message: this.message };
  }

  stateEvent(): SseEvent {
    return { event: 'state', data: this.snapshot() };
  }

  historyPoints(): HistoryPoint[] {
    return this.history;
  }

  start(request: TrainRequest): JobInfo {
    if (this.running) throw new HttpError(409, `A training job (job ${this.info?.id}) is already running; stop it (POST /api/stop) or wait for it to end.`);
    const flag = new StopFlag();
    const input: WorkerInput = {
      request,
      stopBuffer: flag.buffer,
      dataDir: this.options.dataDir,
      backend: this.options.backend ?? 'auto',
      seed: this.options.seed ?? 42,
      validationSplit: this.options.validationSplit ?? 0.1,
      progressPerEpoch: this.options.progressPerEpoch ?? 8,
    };
    const info: JobInfo = { id: this.nextId++, request, startedAt: new Date().toISOString() };
    const worker = new Worker(WORKER_URL, { workerData: input });
    this.status = 'running';
    this.info = info;
    this.history = [];
    this.comparison = undefined;
    this.message = undefined;
    this.confusion = undefined;
    this.worker = worker;
    this.flag = flag;
    worker.on('message', (message: WorkerMessage) => this.receive(worker, message));
    worker.on('error', (error) => this.fail(worker, `The training worker failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.worker === worker && this.running) this.fail(worker, `The training worker exited (code ${code}) before the job ended.`);
      if (this.worker === worker) this.worker = undefined;
    });
    this.hub.broadcast('state', this.snapshot());
    return info;
  }

  /** Asks the running job to stop after its current step; false when none runs. */
  stop(): boolean {
    if (!this.running || !this.flag) return false;
    this.flag.set();
    return true;
  }

  /** Ends the worker at once (server shutdown). */
  async terminate(): Promise<void> {
    this.flag?.set();
    const worker = this.worker;
    this.worker = undefined;
    if (this.running) {
      this.status = 'stopped';
      this.message = 'The server shut down.';
    }
    if (worker) await worker.terminate();
  }

  private receive(worker: Worker, message: WorkerMessage): void {
    if (this.worker !== worker) return;
    switch (message.type) {
      case 'started': {
        const { backend, trainImages, testImages } = message;
        Object.assign(this.info!, { backend, trainImages, testImages });
        this.hub.broadcast('state', this.snapshot());
        break;
      }
      case 'progress': {
        const { type: _, ...event } = message;
        this.history.push({ model: event.model, epoch: event.epoch, loss: event.loss, accuracy: event.accuracy });
        this.hub.broadcast('progress', event);
        break;
      }
      case 'epoch': {
        const { type: _, ...event } = message;
        this.history.push(event);
        this.hub.broadcast('epoch', event);
        break;
      }
      case 'weights':
        this.options.onWeights?.(message.arrays, message.inputShape);
        break;
      case 'confusion':
        this.confusion = { view: message.view, examples: new Map(message.examples) };
        break;
      case 'done':
      case 'stopped':
        this.status = message.type;
        this.comparison = message.comparison;
        this.hub.broadcast(message.type, { comparison: message.comparison });
        break;
      case 'error':
        this.fail(worker, message.message);
        break;
    }
  }

  private fail(worker: Worker, message: string): void {
    if (this.worker !== worker || !this.running) return;
    this.status = 'error';
    this.message = message;
    this.hub.broadcast('error', { message });
  }
}
