/**
 * A model's confusion matrix on the test set, with up to 40 test images per
 * cell (the page shows them when a cell is clicked). Used by the training
 * worker for the trained CNN and by the server for --model-file.
 */
import { Tensor } from '../../../core/tensor.js';
import type { ImageSet } from '../../../data/mnist.js';
import { confusionReport, type ConfusionReport } from '../../../metrics/confusion-matrix.js';
import type { Sequential } from '../../../model/sequential.js';

export const MAX_EXAMPLES_PER_CELL = 40;

export interface ConfusionView {
  labels: string[];
  /** rows = true class, cols = predicted. */
  matrix: number[][];
}

export interface ConfusionExample {
  index: number;
  /** h*w*c, 0..255. */
  pixels: Uint8Array;
  probabilities: number[];
}

export interface TestSetConfusion {
  report: ConfusionReport;
  view: ConfusionView;
  /** Keyed by `${actual},${predicted}`. */
  examples: Map<string, ConfusionExample[]>;
}

export function cellKey(actual: number, predicted: number): string {
  return `${actual},${predicted}`;
}

/** True when the model reads the test set's images (same h, w, one channel) and has an output per label. */
export function fitsTestSet(model: Sequential, test: ImageSet): boolean {
  const [h, w, c] = model.inputShape;
  const maxLabel = test.labels.reduce((a, b) => Math.max(a, b), 0);
  return model.inputShape.length === 3 && h === test.height && w === test.width && c === 1 && model.outputShape.length === 1 && model.outputShape[0] > maxLabel;
}

export async function testSetConfusion(model: Sequential, test: ImageSet): Promise<TestSetConfusion> {
  const probabilities = (await model.predict(new Tensor(test.images, [test.count, test.height, test.width, 1]), { batchSize: 256 })).data;
  const classes = model.outputShape[0];
  const report = confusionReport(probabilities, test.labels, classes);
  const examples = new Map<string, ConfusionExample[]>();
  const pixelsPerImage = test.height * test.width;
  for (let i = 0; i < test.count; i++) {
    const row = probabilities.subarray(i * classes, (i + 1) * classes);
    let predicted = 0;
    for (let k = 1; k < classes; k++) if (row[k] > row[predicted]) predicted = k;
    const key = cellKey(test.labels[i], predicted);
    const list = examples.get(key) ?? [];
    if (list.length >= MAX_EXAMPLES_PER_CELL) continue;
    const pixels = new Uint8Array(pixelsPerImage);
    for (let p = 0; p < pixelsPerImage; p++) pixels[p] = Math.round(test.images[i * pixelsPerImage + p] * 255);
    list.push({ index: i, pixels, probabilities: Array.from(row) });
    examples.set(key, list);
  }
  const view = { labels: Array.from({ length: classes }, (_, i) => String(i)), matrix: report.matrix };
  return { report, view, examples };
}
