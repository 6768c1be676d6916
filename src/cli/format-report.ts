/** Terminal rendering of evaluation results: confusion matrix and per-class metrics. */
import type { ConfusionReport } from '../metrics/confusion-matrix.js';

export function formatConfusionMatrix(report: ConfusionReport, names: readonly string[]): string {
  const width = Math.max(5, ...report.matrix.flat().map((v) => String(v).length + 1), ...names.map((n) => n.length + 1));
  const label = Math.max(8, ...names.map((n) => n.length + 1));
  const lines = [`Confusion matrix (rows: actual, columns: predicted)`];
  lines.push(`${''.padEnd(label)}${names.map((n) => n.padStart(width)).join('')}`);
  report.matrix.forEach((row, i) => {
    lines.push(`${names[i].padEnd(label)}${row.map((v) => String(v).padStart(width)).join('')}`);
  });
  return lines.join('\n');
}

export function formatClassMetrics(report: ConfusionReport, names: readonly string[]): string {
  const label = Math.max(8, ...names.map((n) => n.length + 1));
  const lines = [`${'class'.padEnd(label)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'f1'.padStart(10)}${'support'.padStart(10)}`];
  report.perClass.forEach((c, i) => {
    lines.push(`${names[i].padEnd(label)}${c.precision.toFixed(4).padStart(10)}${c.recall.toFixed(4).padStart(10)}${c.f1.toFixed(4).padStart(10)}${String(c.support).padStart(10)}`);
  });
  lines.push(`${'macro F1'.padEnd(label)}${report.macroF1.toFixed(4).padStart(30)}`);
  lines.push(`accuracy ${(report.accuracy * 100).toFixed(2)}% (${report.errors} errors out of ${report.matrix.flat().reduce((a, b) => a + b, 0)})`);
  return lines.join('\n');
}
