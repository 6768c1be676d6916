import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curveColumns, formatDuration } from '../../../src/apps/playground/shared/curve-series.js';

test('progress and epoch points of two models share one sorted x axis, with nulls where a series has no value', () => {
  const cols = curveColumns([
    { model: 'cnn', epoch: 0.5, loss: 0.9, accuracy: 0.7 },
    { model: 'dense', epoch: 0.5, loss: 1.1, accuracy: 0.6 },
    { model: 'cnn', epoch: 1, loss: 0.4, accuracy: 0.88, valLoss: 0.3, valAccuracy: 0.91 },
    { model: 'cnn', epoch: 0.25, loss: 2.0, accuracy: 0.3 },
  ]);
  assert.deepEqual(cols.x, [0.25, 0.5, 1]);
  assert.deepEqual(cols.series.map((s) => s.label), [
    'cnn loss', 'cnn val loss', 'cnn accuracy', 'cnn val accuracy',
    'dense loss', 'dense val loss', 'dense accuracy', 'dense val accuracy',
  ]);
  assert.deepEqual(cols.series[0].values, [2.0, 0.9, 0.4]);
  assert.deepEqual(cols.series[1].values, [null, null, 0.3]);
  assert.deepEqual(cols.series[6].values, [null, 0.6, null]);
});

test('durations read as a person would say them', () => {
  assert.equal(formatDuration(42.4), '42 s');
  assert.equal(formatDuration(0.44), '0.4 s');
  assert.equal(formatDuration(185), '3 min 05 s');
  assert.equal(formatDuration(3720), '1 h 02 min');
  assert.equal(formatDuration(NaN), '');
});
