/**
 * Accuracy as Keras reports it for classifiers: the share of rows whose
 * highest output is the target class (sparse_categorical_accuracy for index
 * targets, categorical_accuracy for one-hot rows).
 */
import type { FloatArray } from '../backend/backend.js';
import type { Targets } from '../losses/losses.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';

export const METRIC_NAMES = ['accuracy'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export function argmaxRow(values: FloatArray, row: number, cols: number): number {
  const base = row * cols;
  let best = 0;
  for (let c = 1; c < cols; c++) if (values[base + c] > values[base + best]) best = c;
  return best;
}

/** Number of rows of outputs[rows, cols] whose argmax equals the target class. */
export function countCorrect(outputs: FloatArray, targets: Targets, sparse: boolean, rows: number, cols: number): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    const target = sparse ? targets[r] : argmaxRow(targets as FloatArray, r, cols);
    if (argmaxRow(outputs, r, cols) === target) correct++;
  }
  return correct;
}

export function parseMetrics(value: unknown): MetricName[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ConfigError(`compile() expects metrics as a list such as ['accuracy']; received ${quoteValue(value)}.`);
  return value.map((m) => {
    const name = typeof m === 'string' ? m.toLowerCase() : m;
    if (name === 'accuracy' || name === 'acc' || name === 'sparse_categorical_accuracy' || name === 'categorical_accuracy') return 'accuracy';
    throw new ConfigError(`compile() got an unknown metric ${quoteValue(m)}; expected 'accuracy'.`);
  });
}
