/**
 * The Activation layer (layers/activation.ts): Keras's Activation('relu').
 * Dense(linear) -> Activation(a) computes what Dense(activation=a) does, forward
 * and backward, bit for bit in float64 on the reference backend (the same kernels
 * run); it has no weights, saves and loads through the registry, and exports
 * to TF.js and ONNX as Keras's Activation and an ONNX activation node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { Sequential, Tensor, encodeOnnx, exportTfjs, layers, loadTfjsModel } from '../../src/index.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from '../io/tfjs-onnx-fixtures.js';
import { Activation } from '../../src/layers/activation.js';
import type { Layer } from '../../src/layers/layer.js';
import { Random } from '../../src/core/random.js';
import { createLayer } from '../../src/io/layer-allowlist.js';
import { kerasLayerConfig, parseKerasLayer } from '../../src/io/tfjs-layer-config.js';
import { onnxModel } from '../../src/io/onnx-export.js';

function model(stack: Layer[]): Sequential {
  const m = new Sequential(stack, { backend: 'reference', dtype: 'float64', seed: 5 });
  m.build([6]);
  m.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
  return m;
}

function data(): { x: Float64Array; y: Float64Array } {
  const random = new Random(9);
  const x = Float64Array.from({ length: 4 * 6 }, () => random.uniform(-2, 2));
  const y = new Float64Array(4 * 3);
  for (let n = 0; n < 4; n++) y[n * 3 + (n % 3)] = 1;
  return { x, y };
}

for (const activation of ['relu', 'sigmoid', 'tanh', 'softmax', 'leaky_relu', 'elu', 'gelu', 'swish'] as const) {
  test(`Dense(linear) -> Activation('${activation}') == Dense(activation='${activation}'), outputs and gradients bit for bit`, () => {
    // A hidden layer with the activation, so its backward feeds the first layer's gradient.
    const inOne = model([layers.dense({ units: 5, activation }), layers.dense({ units: 3, activation: 'sigmoid' })]);
    const separate = model([layers.dense({ units: 5 }), new Activation(activation), layers.dense({ units: 3, activation: 'sigmoid' })]);
    separate.setWeights(inOne.getWeights());
    const { x, y } = data();
    const lossOne = inOne.computeGradients(x, y, 4);
    const lossSeparate = separate.computeGradients(x, y, 4);
    assert.equal(lossSeparate, lossOne);
    assert.deepEqual(Array.from(separate.forwardBatch(x, 4, false)), Array.from(inOne.forwardBatch(x, 4, false)));
    const grads = (m: Sequential) => m.weights().map((w) => Array.from(w.grad));
    assert.deepEqual(grads(separate), grads(inOne));
    assert.ok(grads(inOne)[0].some((v) => v !== 0), 'the first layer got a gradient');
  });
}

test("Activation('linear') passes values and gradients through; it has no weights", () => {
  const layer = new Activation('linear');
  const m = model([layers.dense({ units: 3 }), layer]);
  assert.equal(layer.paramCount(), 0);
  assert.deepEqual(layer.outputShape, [3]);
  const { x } = data();
  const out = m.forwardBatch(x, 4, false);
  assert.equal(out.length, 12);
});

test('Activation takes the Keras form and the options form, and says what it expected', () => {
  assert.equal(new Activation('tanh').activation, 'tanh');
  assert.equal(new Activation({ activation: 'sigmoid', name: 'act' }).name, 'act');
  assert.equal(layers.activation('relu').className, 'Activation');
  assert.throws(() => new Activation('gelu_new' as never), /Activation got an unknown activation "gelu_new"; expected one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leaky_relu', 'elu', 'gelu', 'swish' \(or 'silu'\)\./);
  // Keras 3's name of swish is stored as 'swish', the name TF.js knows.
  assert.equal(new Activation('silu').activation, 'swish');
  assert.throws(() => new Activation({} as never), /Activation expects an activation, e.g. \{ activation: 'relu' \}; received none/);
  assert.throws(() => new Activation(null as never), /Activation expects an activation name such as 'relu'/);
});

test('model files, TF.js and ONNX know Activation through its descriptor', () => {
  const act = createLayer('Activation', { name: 'act', activation: 'relu' }, 'file');
  assert.ok(act instanceof Activation);
  assert.throws(() => createLayer('Activation', { name: 'act', activation: 'relu', units: 3 }, 'file'), /Activation has no config key "units"; allowed: name, activation, inputShape/);
  const parsed = parseKerasLayer('Activation', { name: 'act', activation: 'tanh', trainable: true, dtype: 'float32' }, 'model.json');
  assert.deepEqual(parsed.config, { name: 'act', activation: 'tanh' });
  const m = new Sequential([layers.dense({ units: 4, inputShape: [3] }), new Activation('relu')], { backend: 'reference' });
  assert.deepEqual(kerasLayerConfig(m.layers[1], undefined), { name: 'activation', trainable: true, dtype: 'float32', activation: 'relu' });
  const ops = onnxModel(m).graph.node.map((n) => n.opType);
  assert.deepEqual(ops, ['Gemm', 'Relu']);
});

test('a convkit model with Activation layers exports to TF.js and ONNX, which predict as convkit does, and loads back', async () => {
  const model = new Sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [9, 9, 2] }), new Activation('relu'), layers.maxPooling2d({ poolSize: 2 }),
    new Activation('tanh'), layers.flatten(), layers.dense({ units: 3 }), new Activation('softmax'),
  ], { backend: 'reference', seed: 4 });
  const images = new Tensor(Float32Array.from({ length: 3 * 9 * 9 * 2 }, (_, i) => Math.sin(i * 0.37)), [3, 9, 9, 2]);
  const ours = (await model.predict(images)).data;
  const dir = await mkdtemp(join(tmpdir(), 'convkit-activation-'));
  try {
    await exportTfjs(model, dir);
    const theirs = tfjsPredict(await tf.loadLayersModel(tfjsFolderHandler(dir)), images);
    assert.ok(maxAbsDiff(theirs, ours) <= TOLERANCE, `TF.js differs by ${maxAbsDiff(theirs, ours)}`);
    const back = await loadTfjsModel(dir, { backend: 'reference' });
    assert.deepEqual(back.layers.map((l) => l.className), model.layers.map((l) => l.className));
    assert.deepEqual((await back.predict(images)).data, ours);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const session = await ort.InferenceSession.create(encodeOnnx(model));
  const result = await session.run({ input: new ort.Tensor('float32', images.data as Float32Array, [...images.shape]) });
  const onnx = result.output.data as Float32Array;
  assert.ok(maxAbsDiff(onnx, ours) <= TOLERANCE, `ONNX Runtime differs by ${maxAbsDiff(onnx, ours)}`);
});
