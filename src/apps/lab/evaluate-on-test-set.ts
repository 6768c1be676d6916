/** Test-set evaluation of a trained lab model: loss, confusion matrix and inference time. */
import type { ImageSet } from '../../data/mnist.js';
import { getLoss } from '../../losses/losses.js';
import { confusionReport, type ConfusionReport } from '../../metrics/confusion-matrix.js';
import type { Sequential } from '../../model/sequential.js';
import { imagesTensor } from './train-lab-model.js';

export interface Evaluation {
  loss: number;
  report: ConfusionReport;
  inferenceSeconds: number;
}

export async function evaluateOnTestSet(model: Sequential, test: ImageSet): Promise<Evaluation> {
  const started = performance.now();
  const probabilities = await model.predict(imagesTensor(test), { batchSize: 256 });
  const inferenceSeconds = (performance.now() - started) / 1000;
  const classes = probabilities.shape[1];
  const report = confusionReport(probabilities.data, test.labels, classes);
  // The same clipped cross-entropy that evaluate() reports, computed from the probabilities already in hand.
  const lossSum = getLoss('sparse_categorical_crossentropy').fromProbabilities(probabilities.data, test.labels, null, test.count, classes, 1);
  return { loss: lossSum / test.count, report, inferenceSeconds };
}
