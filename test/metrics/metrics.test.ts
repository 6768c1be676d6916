/** The metrics by name: their values on hand-made batches, their refusals, and their names in fit()'s History and evaluate(). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricState, checkMetricsForLoss, parseMetrics } from '../../src/metrics/metrics.js';
import { getLoss } from '../../src/losses/losses.js';
import { Sequential, Tensor, layers } from '../../src/index.js';
import { Random } from '../../src/core/random.js';

test('binary_accuracy, precision, recall and accuracy (binary for one output column)', () => {
  const state = new MetricState(['accuracy', 'binary_accuracy', 'precision', 'recall'], false);
  // Outputs above 0.5 are predicted positives: TP at 0, FP at 1, FN at 2, TN at 3, TP at 4.
  const output = Float32Array.of(0.9, 0.7, 0.2, 0.1, 0.6), targets = Float32Array.of(1, 0, 1, 0, 1);
  state.update(output, targets, 5, 1);
  assert.equal(state.result('binary_accuracy'), 3 / 5);
  assert.equal(state.result('accuracy'), 3 / 5);
  assert.equal(state.result('precision'), 2 / 3);
  assert.equal(state.result('recall'), 2 / 3);
  // A second batch accumulates; precision / recall are ratios of the totals, not means of batch ratios.
  state.update(Float32Array.of(0.9), Float32Array.of(0), 1, 1);
  assert.equal(state.result('precision'), 2 / 4);
  assert.equal(state.result('recall'), 2 / 3);
  state.reset();
  // No positives at all: 0, as Keras's divide_no_nan.
  state.update(Float32Array.of(0.1), Float32Array.of(0), 1, 1);
  assert.equal(state.result('precision'), 0);
  assert.equal(state.result('recall'), 0);
});

test('sparse_top_k_categorical_accuracy: k = 5, ties at the boundary count as in', () => {
  const state = new MetricState(['sparse_top_k_categorical_accuracy', 'accuracy'], true);
  const cols = 7;
  // Row 0: target 6 is the 6th highest (out); row 1: target 0 is the 5th highest (in); row 2: tie with the 5th (in).
  const output = Float32Array.of(
    0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1,
    0.3, 0.7, 0.6, 0.5, 0.4, 0.2, 0.1,
    0.3, 0.7, 0.6, 0.5, 0.4, 0.3, 0.1,
  );
  state.update(output, Int32Array.of(6, 0, 5), 3, cols);
  assert.equal(state.result('sparse_top_k_categorical_accuracy'), 2 / 3);
  assert.equal(state.result('accuracy'), 0);
});

test('names: aliases log as accuracy, duplicates fold, and metrics that cannot read the targets are refused', () => {
  assert.deepEqual(parseMetrics(['acc', 'sparse_categorical_accuracy', 'precision', 'Recall']), ['accuracy', 'precision', 'recall']);
  assert.throws(() => checkMetricsForLoss(['precision'], getLoss('sparse_categorical_crossentropy')), /metric 'precision' compares each output with a 0\/1 target of the output's shape; loss 'sparse_categorical_crossentropy' takes class indices/);
  assert.throws(() => checkMetricsForLoss(['sparse_top_k_categorical_accuracy'], getLoss('binary_crossentropy')), /metric 'sparse_top_k_categorical_accuracy' needs class-index targets/);
});

test('fit() logs the metrics under their Keras names, with val_ for validation, and evaluate() returns them', async () => {
  const random = new Random(5);
  const n = 64;
  const x = new Tensor(Float32Array.from({ length: n * 2 }, () => random.uniform(-1, 1)), [n, 2]);
  const y = Float32Array.from({ length: n }, (_, i) => (x.data[2 * i] + x.data[2 * i + 1] > 0 ? 1 : 0));
  const model = new Sequential([layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { backend: 'reference', seed: 2 });
  model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['binary_accuracy', 'precision', 'recall'] });
  const lines: string[] = [];
  const history = await model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.25, verbose: 2, stream: { write: (s: string) => { lines.push(s); return true; } } as never });
  assert.deepEqual(Object.keys(history.history).sort(), ['binary_accuracy', 'loss', 'precision', 'recall', 'val_binary_accuracy', 'val_loss', 'val_precision', 'val_recall']);
  assert.match(lines.join(''), / - binary_accuracy: \d\.\d{4} - loss: \d\.\d{4} - precision: \d\.\d{4} - recall: \d\.\d{4} - val_binary_accuracy: /);
  const result = await model.evaluate(x, y);
  assert.deepEqual(Object.keys(result).sort(), ['binary_accuracy', 'loss', 'precision', 'recall']);
  // evaluate() agrees with a direct count over predict().
  const p = (await model.predict(x)).data;
  const hits = y.filter((t, i) => t === (p[i] > 0.5 ? 1 : 0)).length;
  assert.equal(result.binary_accuracy, hits / n);
});
