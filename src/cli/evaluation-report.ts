/** Test-set evaluation of a trained model, with the confusion matrix and per-class metrics. */
import type { ImageSet } from '../data/mnist.js';
import { getLoss } from '../losses/losses.js';
import { confusionReport, type ConfusionReport } from '../metrics/confusion-matrix.js';
import type { Sequential } from '../model/sequential.js';
import { formatClassMetrics, formatConfusionMatrix } from './format-report.js';
import { imagesTensor } from './train-seed-model.js';

export interface Evaluation {
  loss: number;
  report: ConfusionReport;
  inferenceSeconds: number;
}

export function evaluateOnTestSet(model: Sequential, test: ImageSet): Evaluation {
  const started = performance.now();
  const probabilities = model.predict(imagesTensor(test), { batchSize: 256 });
  const inferenceSeconds = (performance.now() - started) / 1000;
  const classes = probabilities.shape[1];
  const report = confusionReport(probabilities.data, test.labels, classes);
  // The same clipped cross-entropy that evaluate() reports, computed from the probabilities already in hand.
  const lossSum = getLoss('sparse_categorical_crossentropy').fromProbabilities(probabilities.data, test.labels, null, test.count, classes, 1);
  return { loss: lossSum / test.count, report, inferenceSeconds };
}

export function digitNames(classes: number): string[] {
  return Array.from({ length: classes }, (_, i) => String(i));
}

export function formatEvaluation(title: string, evaluation: Evaluation): string {
  const names = digitNames(evaluation.report.classes);
  return [
    `${title}: test loss ${evaluation.loss.toFixed(4)}, test accuracy ${(evaluation.report.accuracy * 100).toFixed(2)}%`,
    '',
    formatConfusionMatrix(evaluation.report, names),
    '',
    formatClassMetrics(evaluation.report, names),
  ].join('\n');
}
