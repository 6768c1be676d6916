/**
 * Confusion matrix and per-class precision / recall / F1 from predicted
 * probabilities, the numbers behind "which digits does the model confuse".
 */
import type { FloatArray } from '../backend/backend.js';
import { argmaxRow } from './accuracy.js';
import { ShapeError } from '../core/errors.js';

export interface ClassReport {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ConfusionReport {
  classes: number;
  /** matrix[actual][predicted] = count. */
  matrix: number[][];
  perClass: ClassReport[];
  accuracy: number;
  errors: number;
  macroF1: number;
}

export function confusionReport(probabilities: FloatArray, labels: Int32Array, classes: number): ConfusionReport {
  const rows = labels.length;
  if (probabilities.length !== rows * classes) {
    throw new ShapeError(`confusionReport expects ${rows} x ${classes} = ${rows * classes} probabilities; received ${probabilities.length}.`);
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let r = 0; r < rows; r++) matrix[labels[r]][argmaxRow(probabilities, r, classes)]++;
  let correct = 0;
  const perClass = matrix.map((row, c) => {
    const truePositives = row[c];
    correct += truePositives;
    const predicted = matrix.reduce((sum, other) => sum + other[c], 0);
    const support = row.reduce((a, b) => a + b, 0);
    const precision = predicted ? truePositives / predicted : 0;
    const recall = support ? truePositives / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  return {
    classes, matrix, perClass,
    accuracy: rows ? correct / rows : 0,
    errors: rows - correct,
    macroF1: perClass.reduce((s, c) => s + c.f1, 0) / classes,
  };
}
