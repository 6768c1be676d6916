/**
 * Argmax accuracy as Keras reports it for classifiers: the share of rows whose
 * highest output is the target class (sparse_categorical_accuracy for index
 * targets, categorical_accuracy for one-hot rows). The metrics by name and
 * their running state are in metrics.ts.
 */
import type { FloatArray } from '../backend/backend.js';
import type { Targets } from '../losses/loss.js';


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
