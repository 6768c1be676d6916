/**
 * Strict options: an unknown key in a layer, compile, fit, evaluate or predict
 * option object, an optimizer's or a callback's, is refused with a ConfigError
 * that names the key and the nearest known one; nothing is ignored silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adam, CSVLogger, ConfigError, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, RMSprop, SGD, Tensor, TerminateOnNaN, WarmupCosineScheduler, layers,
} from '../../src/index.js';
import { checkKnownKeys, nearestKey } from '../../src/core/check-options.js';
import { smallClassifier, zeroImages4x4 } from '../model/small-models.js';

function refused(run: () => unknown, message: string): void {
  assert.throws(run, (e: unknown) => e instanceof ConfigError && e.message === message, message);
}

test('nearestKey: the same name in another case style first, else a close typo, else none', () => {
  const known = ['poolSize', 'strides', 'padding', 'name', 'inputShape'];
  assert.equal(nearestKey('pool_size', known), 'poolSize');
  assert.equal(nearestKey('POOLSIZE', known), 'poolSize');
  assert.equal(nearestKey('stride', known), 'strides');
  assert.equal(nearestKey('padidng', known), 'padding');
  assert.equal(nearestKey('dilationRate', known), undefined);
  assert.doesNotThrow(() => checkKnownKeys('f()', { strides: 1 }, known));
  refused(() => checkKnownKeys('f()', { dilationRate: 2 }, known), 'f() got an unknown option "dilationRate"; known options: poolSize, strides, padding, name, inputShape.');
});

test('layers refuse unknown options, as the issue lists them', () => {
  refused(() => layers.maxPooling2d({ pool_size: 3 } as never), 'MaxPooling2D got an unknown option "pool_size"; did you mean "poolSize"?');
  refused(() => layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2 } as never), 'Conv2D got an unknown option "dilationRate"; known options: filters, kernelSize, strides, padding, activation, useBias, name, inputShape, trainable.');
  refused(() => layers.conv2d({ filters: 2, kernel_size: 3 } as never), 'Conv2D got an unknown option "kernel_size"; did you mean "kernelSize"?');
  refused(() => layers.dense({ units: 2, activaton: 'relu' } as never), 'Dense got an unknown option "activaton"; did you mean "activation"?');
  refused(() => layers.dense({ units: 2, input_shape: [3] } as never), 'Dense got an unknown option "input_shape"; did you mean "inputShape"?');
  refused(() => layers.dropout({ rate: 0.5, rte: 1 } as never), 'Dropout got an unknown option "rte"; did you mean "rate"?');
  refused(() => layers.flatten({ dataFormat: 'channels_last' } as never), 'Flatten got an unknown option "dataFormat"; known options: name, inputShape, trainable.');
  refused(() => layers.activation({ activation: 'relu', alpha: 0.1 } as never), 'Activation got an unknown option "alpha"; known options: activation, name, inputShape, trainable.');
});

test('compile, fit, evaluate and predict refuse unknown options', async () => {
  const model = smallClassifier();
  refused(() => model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metric: ['accuracy'] } as never), 'compile() got an unknown option "metric"; did you mean "metrics"?');
  const x = zeroImages4x4(4), y = new Int32Array(4);
  await assert.rejects(model.fit(x, y, { validation_split: 0.2, batch_size: 8 } as never), (e: unknown) => e instanceof ConfigError && e.message === 'fit() got an unknown option "validation_split"; did you mean "validationSplit"?');
  const rejectedWith = (message: string) => (e: unknown) => e instanceof ConfigError && e.message === message;
  await assert.rejects(model.evaluate(x, y, { batch_size: 8 } as never), rejectedWith('evaluate() got an unknown option "batch_size"; did you mean "batchSize"?'));
  await assert.rejects(model.predict(x, { batchsize: 8 } as never), rejectedWith('predict() got an unknown option "batchsize"; did you mean "batchSize"?'));
  assert.ok(x instanceof Tensor);
});

test('optimizers and callbacks refuse unknown options', () => {
  refused(() => new Adam({ learning_rate: 0.01 } as never), 'Adam got an unknown option "learning_rate"; did you mean "learningRate"?');
  refused(() => new SGD({ momentun: 0.9 } as never), 'SGD got an unknown option "momentun"; did you mean "momentum"?');
  refused(() => new RMSprop({ beta1: 0.9 } as never), 'RMSprop got an unknown option "beta1"; known options: learningRate, rho, epsilon.');
  refused(() => new EarlyStopping({ restore_best_weights: true } as never), 'EarlyStopping got an unknown option "restore_best_weights"; did you mean "restoreBestWeights"?');
  refused(() => new ModelCheckpoint('m.safetensors', { save_best_only: true } as never), 'ModelCheckpoint got an unknown option "save_best_only"; did you mean "saveBestOnly"?');
  refused(() => new CSVLogger('log.csv', { sep: ';' } as never), 'CSVLogger got an unknown option "sep"; did you mean "separator"?');
  refused(() => new TerminateOnNaN({ print: () => {} } as never), 'TerminateOnNaN got an unknown option "print"; known options: log.');
  refused(() => new ReduceLROnPlateau({ min_delta: 0.1 } as never), 'ReduceLROnPlateau got an unknown option "min_delta"; did you mean "minDelta"?');
  refused(() => new WarmupCosineScheduler({ peak: 1, epochs: 1, stepsPerEpoch: 1, warmup: 0.1 } as never), 'WarmupCosineScheduler got an unknown option "warmup"; did you mean "warmupFraction"?');
});

test('optionKeys: the key list of an options type is complete, or the code does not compile', async () => {
  const { optionKeys } = await import('../../src/core/check-options.js');
  assert.deepEqual(optionKeys<{ a?: number; b: string }>({ a: true, b: true }), ['a', 'b']);
  // @ts-expect-error: 'b' is missing from the list, so a new option cannot be forgotten by the unknown-key check.
  optionKeys<{ a?: number; b: string }>({ a: true });
  // @ts-expect-error: 'c' is not an option of the type.
  optionKeys<{ a?: number }>({ a: true, c: true });
});

test('BatchNormalization and the pooling layers refuse unknown options too', () => {
  assert.throws(() => layers.batchNormalization({ mommentum: 0.9 } as never), (e: unknown) => e instanceof ConfigError && /"mommentum"; did you mean "momentum"\?/.test(e.message));
  assert.throws(() => layers.averagePooling2d({ pool_size: 3 } as never), (e: unknown) => e instanceof ConfigError && /"pool_size"; did you mean "poolSize"\?/.test(e.message));
  assert.throws(() => layers.globalAveragePooling2d({ keepdims: true } as never), (e: unknown) => e instanceof ConfigError && /"keepdims"/.test(e.message));
  assert.throws(() => layers.globalMaxPooling2d({ keepdims: true } as never), (e: unknown) => e instanceof ConfigError && /"keepdims"/.test(e.message));
  assert.equal(layers.batchNormalization({ trainable: false }).trainable, false);
});
