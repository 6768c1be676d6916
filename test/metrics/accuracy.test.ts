/** Metrics by name: an unknown name is refused with the choices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallClassifier } from '../model/small-models.js';

test('unknown metric', () => {
  const model = smallClassifier();
  // @ts-expect-error: metric names are a literal union, so a typo fails to compile as well as at run time.
  assert.throws(() => model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['f1'] }), /compile\(\) got an unknown metric "f1"; expected one of 'accuracy', 'binary_accuracy', 'sparse_top_k_categorical_accuracy', 'precision', 'recall'\./);
});
