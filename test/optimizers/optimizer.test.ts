/** Optimizers by name and by object: unknown names and bad hyper-parameters are refused with what was expected. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, SGD } from '../../src/index.js';
import { smallClassifier } from '../model/small-models.js';

test('unknown optimizer lists the choices', () => {
  const model = smallClassifier();
  assert.throws(
    () => model.compile({ optimizer: 'adamw', loss: 'sparse_categorical_crossentropy' }),
    /compile\(\) got an unknown optimizer "adamw"; expected one of 'adam', 'sgd', 'rmsprop' or an optimizer object/,
  );
});

test('bad optimizer hyper-parameters', () => {
  assert.throws(() => new Adam({ learningRate: -1 }), /Adam expects learningRate to be a positive finite number such as 0\.001; received -1\./);
  assert.throws(() => new SGD({ momentum: 1 }), /SGD expects momentum in \[0, 1\) such as 0\.9; received 1\./);
});
