/** The text the CLI prints for a test-set evaluation: accuracy line, confusion matrix and per-class metrics. */
import type { Evaluation } from '../apps/lab/evaluate-on-test-set.js';
import { formatClassMetrics, formatConfusionMatrix } from './format-report.js';

export { evaluateOnTestSet, type Evaluation } from '../apps/lab/evaluate-on-test-set.js';

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
