/** Optimizers by name and by object: unknown names and bad hyper-parameters are refused with what was expected. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, ConfigError, RMSprop, SGD } from '../../src/index.js';
import { smallClassifier } from '../model/small-models.js';

test('unknown optimizer lists the choices', () => {
  const model = smallClassifier();
  assert.throws(
    // @ts-expect-error: optimizer names are a literal union, so a typo fails to compile as well as at run time.
    () => model.compile({ optimizer: 'adamw', loss: 'sparse_categorical_crossentropy' }),
    /compile\(\) got an unknown optimizer "adamw"; expected one of 'adam', 'sgd', 'rmsprop' or an optimizer object/,
  );
});

test('bad optimizer hyper-parameters', () => {
  assert.throws(() => new Adam({ learningRate: -1 }), /Adam expects learningRate to be a positive finite number such as 0\.001; received -1\./);
  assert.throws(() => new SGD({ momentum: 1 }), /SGD expects momentum in \[0, 1\) such as 0\.9; received 1\./);
});

test('every hyper-parameter is checked at construction, not at the first step', () => {
  assert.throws(() => new Adam({ beta1: 1 }), (e: unknown) => e instanceof ConfigError && /Adam expects beta1 in \[0, 1\) such as 0\.9; received 1\./.test(e.message));
  assert.throws(() => new Adam({ beta2: -0.1 }), /Adam expects beta2 in \[0, 1\) such as 0\.999; received -0\.1\./);
  assert.throws(() => new Adam({ epsilon: -1e-7 }), /Adam expects epsilon to be a non-negative finite number such as 1e-7; received -1e-7\./);
  assert.throws(() => new Adam({ epsilon: NaN }), /Adam expects epsilon .*received NaN\./);
  assert.throws(() => new RMSprop({ rho: 1 }), /RMSprop expects rho in \[0, 1\) such as 0\.9; received 1\./);
  assert.throws(() => new RMSprop({ epsilon: -1 }), /RMSprop expects epsilon to be a non-negative finite number such as 1e-7; received -1\./);
  assert.throws(() => new SGD({ nesterov: 'yes' as unknown as boolean }), /SGD expects nesterov to be true or false; received "yes"\./);
  assert.throws(() => new SGD({ learningRate: Infinity }), /SGD expects learningRate to be a positive finite number such as 0\.001; received Infinity\./);
});
