/** Metrics by name: only 'accuracy' is known. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallClassifier } from '../model/small-models.js';

test('unknown metric', () => {
  const model = smallClassifier();
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['f1'] }), /compile\(\) got an unknown metric "f1"; expected 'accuracy'\./);
});
