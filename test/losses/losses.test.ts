/** Losses by name: an unknown name is refused with the choices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallClassifier } from '../model/small-models.js';

test('unknown loss lists the choices', () => {
  const model = smallClassifier();
  assert.throws(
    () => model.compile({ optimizer: 'adam', loss: 'mse' }),
    /compile\(\) got an unknown loss "mse"; expected one of 'sparse_categorical_crossentropy', 'categorical_crossentropy'\./,
  );
});
