/**
 * The loop the element-wise losses share (binary cross-entropy, mean squared
 * and mean absolute error): as in Keras, a row's loss is the mean over its
 * outputs, and a row's weight multiplies both its loss and its gradient row.
 * `element(i, gradWeight)` returns output i's loss and writes its gradient,
 * already multiplied by gradWeight = gradScale / cols * the row's weight.
 * One call per output is cheap here: a loss sees [batch, outputs] values, not
 * a layer's activations.
 */
import type { RowWeights } from './loss.js';

export function sumOfRowMeans(rows: number, cols: number, gradScale: number, weights: RowWeights | undefined, element: (i: number, gradWeight: number) => number): number {
  let loss = 0;
  const perOutput = gradScale / cols;
  for (let r = 0; r < rows; r++) {
    const w = weights ? weights[r] : 1;
    const gradWeight = perOutput * w;
    let rowLoss = 0;
    for (let c = 0; c < cols; c++) rowLoss += element(r * cols + c, gradWeight);
    loss += (w * rowLoss) / cols;
  }
  return loss;
}
