/**
 * BatchNormalization (layers/batch-normalization.ts) with Keras's semantics:
 * defaults, weights (gamma, beta trainable; moving_mean, moving_variance not),
 * batch statistics in training and the moving ones in inference, the moving
 * update, option and shape errors, Keras configs, save/load, and the TF.js
 * and ONNX exports run by their own runtimes on images, on [N, C] and on
 * [N, L, C] inputs. The gradient check is in gradient-check.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { ConfigError, ShapeError, Sequential, Tensor, encodeOnnx, exportTfjs, layers, loadModel, loadTfjsModel, saveModel } from '../../src/index.js';
import { BatchNormalization } from '../../src/layers/batch-normalization.js';
import { createLayer } from '../../src/io/layer-allowlist.js';
import { kerasLayerConfig, parseKerasLayer } from '../../src/io/tfjs-layer-config.js';
import { onnxModel } from '../../src/io/onnx-export.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from '../io/tfjs-onnx-fixtures.js';

const rows = (n: number, c: number, f: (i: number) => number) => Float64Array.from({ length: n * c }, (_, i) => f(i));

function normModel(options: ConstructorParameters<typeof BatchNormalization>[0] = {}, inputShape = [3]): { model: Sequential; norm: BatchNormalization } {
  const norm = new BatchNormalization(options);
  const model = new Sequential([norm], { backend: 'reference', dtype: 'float64', seed: 1 });
  model.build(inputShape);
  return { model, norm };
}

test("Keras's defaults and weights: gamma 1 and beta 0 trainable, moving_mean 0 and moving_variance 1 not", () => {
  const { model, norm } = normModel();
  assert.deepEqual([norm.axis, norm.momentum, norm.epsilon, norm.center, norm.scale], [-1, 0.99, 0.001, true, true]);
  const weights = model.weights();
  assert.deepEqual(weights.map((w) => [w.name, w.trainable, Array.from(w.value)]), [
    ['batch_normalization/gamma', true, [1, 1, 1]],
    ['batch_normalization/beta', true, [0, 0, 0]],
    ['batch_normalization/moving_mean', false, [0, 0, 0]],
    ['batch_normalization/moving_variance', false, [1, 1, 1]],
  ]);
  assert.deepEqual(normModel({ center: false, scale: false }).model.weights().map((w) => w.name), ['batch_normalization/moving_mean', 'batch_normalization/moving_variance']);
  assert.equal(norm.details().formula, '4*3');
});

test('training normalises with the batch statistics and moves the moving ones by momentum; inference uses the moving ones', () => {
  const { model, norm } = normModel({ momentum: 0.9, epsilon: 0.01 }, [2]);
  const [gamma, beta, movingMean, movingVariance] = model.weights();
  gamma.value.set([2, 1]);
  beta.value.set([0, 5]);
  const x = Float64Array.from([1, 10, 3, 20, 5, 30]); // column 0: mean 3, variance 8/3; column 1: mean 20, variance 200/3
  const y = norm.forward(x, 3, true);
  const expected = [0, 1, 2].map((r) => [2 * (x[2 * r] - 3) / Math.sqrt(8 / 3 + 0.01), (x[2 * r + 1] - 20) / Math.sqrt(200 / 3 + 0.01) + 5]).flat();
  assert.ok(maxAbsDiff(y, expected) < 1e-12, `training output ${Array.from(y)} vs ${expected}`);
  assert.ok(maxAbsDiff(movingMean.value, [0.9 * 0 + 0.1 * 3, 0.1 * 20]) < 1e-12);
  assert.ok(maxAbsDiff(movingVariance.value, [0.9 + 0.1 * (8 / 3), 0.9 + 0.1 * (200 / 3)]) < 1e-12, 'the biased batch variance, as Keras');
  const z = norm.forward(x, 3, false);
  const inference = [0, 1, 2].map((r) => [
    (2 * (x[2 * r] - movingMean.value[0])) / Math.sqrt(movingVariance.value[0] + 0.01),
    (x[2 * r + 1] - movingMean.value[1]) / Math.sqrt(movingVariance.value[1] + 0.01) + 5,
  ]).flat();
  assert.ok(maxAbsDiff(z, inference) < 1e-12, 'inference reads the moving statistics');
  const before = Array.from(movingMean.value);
  norm.forward(x, 3, false);
  assert.deepEqual(Array.from(movingMean.value), before, 'inference leaves them as they were');
});

test('fit trains gamma and beta, leaves the moving statistics to the forward pass, and summary counts them as non-trainable', async () => {
  const model = new Sequential([layers.dense({ units: 4, inputShape: [3] }), layers.batchNormalization(), layers.dense({ units: 2, activation: 'softmax' })], { backend: 'reference', seed: 2 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const x = new Tensor(Float32Array.from(rows(16, 3, (i) => Math.sin(i))), [16, 3]);
  const y = Int32Array.from({ length: 16 }, (_, i) => i % 2);
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const byName = new Map(model.weights().map((w) => [w.name, w]));
  assert.ok(Array.from(byName.get('batch_normalization/gamma')!.value).some((v) => v !== 1), 'gamma trained');
  assert.ok(Array.from(byName.get('batch_normalization/moving_mean')!.value).some((v) => v !== 0), 'moving mean moved');
  let text = '';
  model.summary({ print: (t) => (text = t) });
  assert.match(text, /Total params: 42 /);
  assert.match(text, /Trainable params: 34 /);
  assert.match(text, /Non-trainable params: 8 /);
});

test('a frozen BatchNormalization runs in inference mode during fit, as Keras does: moving statistics normalise and stay put', async () => {
  const model = new Sequential([layers.dense({ units: 4, inputShape: [3] }), layers.batchNormalization(), layers.dense({ units: 2, activation: 'softmax' })], { backend: 'reference', seed: 2 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const norm = model.layers[1] as BatchNormalization;
  const [gamma, beta] = norm.getWeights();
  norm.setWeights([gamma, beta, new Tensor(Float32Array.of(0.5, -1, 2, 0), [4]), new Tensor(Float32Array.of(4, 0.25, 1, 9), [4])]);
  norm.trainable = false;
  const batch = Float32Array.from(rows(8, 4, (i) => Math.cos(i) * 3));
  const frozenTraining = Array.from(norm.forward(batch, 8, true));
  assert.deepEqual(frozenTraining, Array.from(norm.forward(batch, 8, false)), 'the training pass is the inference map');
  const x = new Tensor(Float32Array.from(rows(16, 3, (i) => Math.sin(i))), [16, 3]);
  const y = Int32Array.from({ length: 16 }, (_, i) => i % 2);
  const firstDense = Array.from(model.layers[0].getWeights()[0].data);
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const after = norm.getWeights();
  assert.deepEqual(after.map((w) => Array.from(w.data)), [Array.from(gamma.data), Array.from(beta.data), [0.5, -1, 2, 0], [4, 0.25, 1, 9]], 'gamma, beta and the moving statistics are unchanged');
  assert.notDeepEqual(Array.from(model.layers[0].getWeights()[0].data), firstDense, 'the Dense below still trains through it');
  // Unfrozen, training normalises with the batch's statistics again and moves the moving ones.
  norm.trainable = true;
  assert.notDeepEqual(Array.from(norm.forward(batch, 8, true)), frozenTraining);
  assert.notDeepEqual(Array.from(norm.getWeights()[2].data), [0.5, -1, 2, 0]);
});

test('option errors are ConfigErrors naming the expectation; an axis other than the last is a ShapeError', () => {
  assert.throws(() => new BatchNormalization({ momentum: 1.5 }), (e: Error) => e instanceof ConfigError && /momentum to be a number from 0 to 1 \(e.g. 0.99\); received 1.5/.test(e.message));
  assert.throws(() => new BatchNormalization({ epsilon: 0 }), /epsilon to be a positive number \(e.g. 0.001\); received 0/);
  assert.throws(() => new BatchNormalization({ center: 'yes' as never }), /center to be true or false; received "yes"/);
  assert.throws(() => new BatchNormalization({ axis: 'channels' as never }), /axis to be an integer such as -1/);
  assert.throws(() => new Sequential([layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [3, 3, 1] }), layers.batchNormalization({ axis: 1 })], { backend: 'reference' }), (e: Error) => e instanceof ShapeError && /normalises the last axis only \(axis -1, or 3 on input of rank 4\); received axis 1/.test(e.message));
  const ok = new Sequential([layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [3, 3, 1] }), layers.batchNormalization({ axis: [3] })], { backend: 'reference' });
  assert.equal(ok.layers[1].paramCount(), 8);
});

test('Keras configs: axis [3], initializers and synchronized false load; the export writes them back', () => {
  const parsed = parseKerasLayer('BatchNormalization', {
    name: 'bn', trainable: true, dtype: 'float32', axis: [3], momentum: 0.9, epsilon: 1e-5, center: true, scale: false,
    beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} },
    moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
    beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null, synchronized: false,
  }, 'model.json');
  assert.deepEqual(parsed.config, { name: 'bn', axis: [3], momentum: 0.9, epsilon: 1e-5, center: true, scale: false });
  assert.throws(() => parseKerasLayer('BatchNormalization', { name: 'bn', synchronized: true }, 'model.json'), /BatchNormalization synchronized must be false/);
  assert.throws(() => parseKerasLayer('BatchNormalization', { name: 'bn', renorm: true }, 'model.json'), /config key "renorm" that convkit does not support/);
  const layer = createLayer('BatchNormalization', parsed.config, 'file');
  const m = new Sequential([layer], { backend: 'reference' });
  m.build([4, 4, 2]);
  const config = kerasLayerConfig(m.layers[0], undefined);
  assert.equal(config.moving_variance_initializer && (config.moving_variance_initializer as { class_name: string }).class_name, 'Ones');
  assert.deepEqual([config.axis, config.momentum, config.epsilon, config.center, config.scale], [3, 0.9, 1e-5, true, false]);
});

/** A trained model whose BatchNormalization layers see images, [N, C] and [N, L, C]. */
async function trainedModel(): Promise<{ model: Sequential; images: Tensor }> {
  const model = new Sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [6, 6, 2] }), layers.batchNormalization(), layers.activation('relu'),
    layers.flatten(), layers.dense({ units: 12 }), layers.batchNormalization({ scale: false, momentum: 0.5 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend: 'reference', seed: 8 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const images = new Tensor(Float32Array.from({ length: 24 * 72 }, (_, i) => Math.sin(i * 0.31) + 0.5), [24, 6, 6, 2]);
  await model.fit(images, Int32Array.from({ length: 24 }, (_, i) => i % 3), { epochs: 3, batchSize: 8, verbose: 0 });
  return { model, images };
}

test('save and load keep the moving statistics: the reloaded model predicts bit for bit', async () => {
  const { model, images } = await trainedModel();
  const dir = await mkdtemp(join(tmpdir(), 'convkit-bn-'));
  try {
    await saveModel(model, join(dir, 'bn.safetensors'));
    const back = await loadModel(join(dir, 'bn.safetensors'), { backend: 'reference' });
    assert.deepEqual(back.weights().map((w) => [w.name, w.trainable]), model.weights().map((w) => [w.name, w.trainable]));
    assert.deepEqual((await back.predict(images)).data, (await model.predict(images)).data);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('TF.js and ONNX Runtime run the exported BatchNormalization layers within 1e-5 of convkit', async () => {
  const { model, images } = await trainedModel();
  const ours = (await model.predict(images)).data;
  const dir = await mkdtemp(join(tmpdir(), 'convkit-bn-'));
  try {
    await exportTfjs(model, dir);
    const theirs = tfjsPredict(await tf.loadLayersModel(tfjsFolderHandler(dir)), images);
    assert.ok(maxAbsDiff(theirs, ours) <= TOLERANCE, `TF.js differs by ${maxAbsDiff(theirs, ours)}`);
    const back = await loadTfjsModel(dir, { backend: 'reference' });
    assert.deepEqual((await back.predict(images)).data, ours);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const ops = onnxModel(model).graph.node.map((n) => n.opType);
  assert.deepEqual(ops, ['Transpose', 'Conv', 'BatchNormalization', 'Relu', 'Transpose', 'Flatten', 'Gemm', 'BatchNormalization', 'Gemm', 'Softmax']);
  const session = await ort.InferenceSession.create(encodeOnnx(model));
  const result = await session.run({ input: new ort.Tensor('float32', images.data as Float32Array, [...images.shape]) });
  assert.ok(maxAbsDiff(result.output.data as Float32Array, ours) <= TOLERANCE, `ONNX Runtime differs by ${maxAbsDiff(result.output.data as Float32Array, ours)}`);
  await session.release();
});

test('on [N, L, C] the ONNX export is the folded map x * scale + shift over the last axis', async () => {
  const model = new Sequential([layers.batchNormalization({ inputShape: [5, 3] })], { backend: 'reference', seed: 1 });
  model.build([5, 3]);
  const [gamma, beta, mean, variance] = model.weights();
  gamma.value.set([1.5, -2, 0.5]);
  beta.value.set([0.1, 0.2, 0.3]);
  mean.value.set([1, -1, 0.5]);
  variance.value.set([4, 0.25, 1]);
  const x = new Tensor(Float32Array.from({ length: 2 * 15 }, (_, i) => Math.cos(i)), [2, 5, 3]);
  const ours = (await model.predict(x)).data;
  assert.deepEqual(onnxModel(model).graph.node.map((n) => n.opType), ['Mul', 'Add']);
  const session = await ort.InferenceSession.create(encodeOnnx(model));
  const result = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [2, 5, 3]) });
  assert.ok(maxAbsDiff(result.output.data as Float32Array, ours) <= TOLERANCE);
  await session.release();
});
