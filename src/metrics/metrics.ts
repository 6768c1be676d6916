/**
 * The metrics compile() takes, under the names Keras logs them by, and their
 * running state over an epoch (Keras's stateful metrics): each keeps counts,
 * update() adds a batch and result() reads the value so far.
 *
 * - accuracy: resolved from the output as Keras 3 does: binary (threshold 0.5)
 *   when the output has one column, else the argmax against the class index
 *   (sparse targets) or the target row's argmax.
 * - binary_accuracy: share of outputs with (p > 0.5) equal to the target.
 * - sparse_top_k_categorical_accuracy (k = 5): the target class is among the
 *   k highest outputs; ties at the boundary count as in (tf.math.in_top_k).
 * - precision, recall: binary, every output thresholded at 0.5 and every
 *   nonzero target a positive, as Keras's Precision / Recall.
 * Tests: test/metrics/metrics.test.ts.
 */
import type { FloatArray } from '../backend/backend.js';
import type { Loss, Targets } from '../losses/loss.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { argmaxRow } from './accuracy.js';

export const METRIC_NAMES = ['accuracy', 'binary_accuracy', 'sparse_top_k_categorical_accuracy', 'precision', 'recall'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Every name compile() accepts for a metric; a typo fails to compile. */
export type MetricIdentifier = MetricName | 'acc' | 'sparse_categorical_accuracy' | 'categorical_accuracy';

/** Older names that log as 'accuracy' (convkit has always logged them so). */
const ACCURACY_ALIASES = ['acc', 'sparse_categorical_accuracy', 'categorical_accuracy'];

/** Keras's defaults: BinaryAccuracy / Precision / Recall threshold, SparseTopKCategoricalAccuracy k. */
const THRESHOLD = 0.5;
const TOP_K = 5;

export function parseMetrics(value: unknown): MetricName[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`compile() expects metrics as a list such as ['accuracy']; received ${quoteValue(value)}.`);
  const names = value.map((m): MetricName => {
    const name = typeof m === 'string' ? m.toLowerCase() : m;
    if (ACCURACY_ALIASES.includes(name)) return 'accuracy';
    if ((METRIC_NAMES as readonly unknown[]).includes(name)) return name as MetricName;
    throw new ConfigError(`compile() got an unknown metric ${quoteValue(m)}; expected one of ${METRIC_NAMES.map((n) => `'${n}'`).join(', ')}.`);
  });
  return [...new Set(names)];
}

/** Refuses a metric that cannot read the loss's targets (class indices vs rows of the output's shape). */
export function checkMetricsForLoss(names: readonly MetricName[], loss: Loss): void {
  for (const name of names) {
    if (name === 'sparse_top_k_categorical_accuracy' && !loss.sparse) {
      throw new ConfigError(`compile(): metric '${name}' needs class-index targets (loss 'sparse_categorical_crossentropy'); the loss '${loss.name}' takes rows of the output's shape.`);
    }
    if ((name === 'binary_accuracy' || name === 'precision' || name === 'recall') && loss.sparse) {
      throw new ConfigError(`compile(): metric '${name}' compares each output with a 0/1 target of the output's shape; loss '${loss.name}' takes class indices. Use 'binary_crossentropy' with 0/1 targets.`);
    }
  }
}

function binaryHits(output: FloatArray, targets: Targets, n: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (targets[i] === (output[i] > THRESHOLD ? 1 : 0)) hits++;
  return hits;
}

/** Rows whose target class has fewer than k outputs strictly above it. */
function topKHits(output: FloatArray, targets: Targets, rows: number, cols: number): number {
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols, value = output[base + targets[r]];
    let above = 0;
    for (let c = 0; c < cols && above < TOP_K; c++) if (output[base + c] > value) above++;
    if (above < TOP_K) hits++;
  }
  return hits;
}

function argmaxHits(output: FloatArray, targets: Targets, sparse: boolean, rows: number, cols: number): number {
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    const target = sparse ? targets[r] : argmaxRow(targets as FloatArray, r, cols);
    if (argmaxRow(output, r, cols) === target) hits++;
  }
  return hits;
}

/** Rows of outputs[rows, cols] counted correct by 'accuracy' (binary for one column, else argmax). */
export function accuracyHits(output: FloatArray, targets: Targets, sparse: boolean, rows: number, cols: number): number {
  return cols === 1 && !sparse ? binaryHits(output, targets, rows) : argmaxHits(output, targets, sparse, rows, cols);
}

/**
 * The compiled metrics' running state. One object per use (training, a
 * validation pass), allocated once: update() runs on every training step and
 * allocates nothing.
 */
export class MetricState {
  private hits = new Float64Array(METRIC_NAMES.length);
  private rows = 0;
  private elements = 0;
  private truePositives = 0;
  private predictedPositives = 0;
  private actualPositives = 0;

  constructor(readonly names: readonly MetricName[], private readonly sparse: boolean) {}

  reset(): void {
    this.hits.fill(0);
    this.rows = this.elements = this.truePositives = this.predictedPositives = this.actualPositives = 0;
  }

  /** Adds a batch; `knownAccuracyHits`, when the caller has counted accuracyHits already, saves a second pass. */
  update(output: FloatArray, targets: Targets, rows: number, cols: number, knownAccuracyHits?: number): void {
    this.rows += rows;
    this.elements += rows * cols;
    for (const name of this.names) {
      const slot = METRIC_NAMES.indexOf(name);
      if (name === 'accuracy') this.hits[slot] += knownAccuracyHits ?? accuracyHits(output, targets, this.sparse, rows, cols);
      else if (name === 'binary_accuracy') this.hits[slot] += binaryHits(output, targets, rows * cols);
      else if (name === 'sparse_top_k_categorical_accuracy') this.hits[slot] += topKHits(output, targets, rows, cols);
    }
    if (this.names.includes('precision') || this.names.includes('recall')) {
      for (let i = 0; i < rows * cols; i++) {
        const predicted = output[i] > THRESHOLD, actual = targets[i] !== 0;
        if (predicted) this.predictedPositives++;
        if (actual) this.actualPositives++;
        if (predicted && actual) this.truePositives++;
      }
    }
  }

  /** The value of one metric so far; precision / recall are 0 with no positives, as Keras's divide_no_nan. */
  result(name: MetricName): number {
    switch (name) {
      case 'precision': return this.predictedPositives > 0 ? this.truePositives / this.predictedPositives : 0;
      case 'recall': return this.actualPositives > 0 ? this.truePositives / this.actualPositives : 0;
      case 'binary_accuracy': return this.hits[METRIC_NAMES.indexOf(name)] / this.elements;
      default: return this.hits[METRIC_NAMES.indexOf(name)] / this.rows;
    }
  }

  /** Writes every metric's value into logs under its Keras name (with a prefix such as 'val_'). */
  writeTo(logs: Record<string, number>, prefix = ''): void {
    for (const name of this.names) logs[prefix + name] = this.result(name);
  }
}
