/**
 * trainable = false freezes a layer (Layer.trainable): the optimizer skips its
 * weights, summary counts them as Keras does, and model files and TF.js
 * exports keep the flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ModelFileError, Sequential, Tensor, exportTfjs, layers, loadModel, loadTfjsModel, saveModel } from '../../src/index.js';
import { decodeModel, encodeModel, modelFileContent } from '../../src/io/model-file.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { describeArchitecture } from '../../src/io/architecture.js';
import { kerasLayerConfig } from '../../src/io/tfjs-layer-config.js';

function model(frozenConv: boolean): Sequential {
  const m = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [5, 5, 1], trainable: !frozenConv }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend: 'reference', seed: 7, name: 'frozen' });
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  return m;
}

const x = new Tensor(Float32Array.from({ length: 6 * 25 }, (_, i) => ((i * 37) % 11) / 10), [6, 5, 5, 1]);
const y = [0, 1, 2, 0, 1, 2];

test('a frozen layer keeps its weights through fit; the others train; the optimizer keeps no slots for it', async () => {
  const m = model(true);
  const [kernel, bias, denseKernel] = m.getWeights();
  await m.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
  const after = m.getWeights();
  assert.deepEqual(after[0], kernel);
  assert.deepEqual(after[1], bias);
  assert.notDeepEqual(after[2], denseKernel);
  assert.equal(m.optimizer!.getSlots(m.weights()[0]), undefined);
  assert.ok(m.optimizer!.getSlots(m.weights()[2]));
});

test('freezing after construction (layer.trainable = false) works the same, and unfreezing trains it again', async () => {
  const m = model(false);
  m.layers[0].trainable = false;
  assert.equal(m.weights()[0].trainable, false);
  const before = m.layers[0].getWeights();
  await m.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
  assert.deepEqual(m.layers[0].getWeights(), before);
  m.layers[0].trainable = true;
  await m.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
  assert.notDeepEqual(m.layers[0].getWeights(), before);
});

test('summary counts trainable and non-trainable params as Keras does', () => {
  const lines: string[] = [];
  model(true).summary({ print: (text) => lines.push(text) });
  // conv: 3*3*1*2 + 2 = 20 frozen; dense: 18*3 + 3 = 57.
  assert.match(lines[0]!, / Total params: 77 \(308\.00 B\)\n Trainable params: 57 \(228\.00 B\)\n Non-trainable params: 20 \(80\.00 B\)/);
});

test('a model file keeps the flag (written only when false) and reloads a model frozen after training, with its optimizer state', async () => {
  const m = model(false);
  await m.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
  m.layers[0].trainable = false;
  const spec = describeArchitecture(m);
  assert.equal(spec.layers[0]!.config.trainable, false);
  assert.equal('trainable' in spec.layers[2]!.config, false);
  const { model: back } = decodeModel(encodeModel(m));
  assert.deepEqual(back.layers.map((l) => l.trainable), [false, true, true]);
  // The frozen conv's slots (from its trainable epoch) came back too.
  assert.deepEqual(back.optimizer!.getSlots(back.weights()[0]), m.optimizer!.getSlots(m.weights()[0]));
  await back.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
  assert.deepEqual(back.layers[0].getWeights(), m.layers[0].getWeights());
});

test('TF.js export writes trainable false, and import restores it', async () => {
  const m = model(true);
  assert.equal(kerasLayerConfig(m.layers[0], [5, 5, 1]).trainable, false);
  assert.equal(kerasLayerConfig(m.layers[2], undefined).trainable, true);
  const dir = await mkdtemp(join(tmpdir(), 'convkit-trainable-'));
  try {
    const back = await loadTfjsModel(await exportTfjs(m, dir), { backend: 'reference' });
    assert.deepEqual(back.layers.map((l) => l.trainable), [false, true, true]);
    await saveModel(m, join(dir, 'm.safetensors'));
    assert.deepEqual((await loadModel(join(dir, 'm.safetensors'))).layers.map((l) => l.trainable), [false, true, true]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a trainable that is not a boolean is refused, in a constructor and in a model file', () => {
  assert.throws(() => layers.dense({ units: 2, trainable: 'no' as never }), (e: unknown) => e instanceof ConfigError && e.message === 'Dense expects trainable to be true or false; received "no".');
  const m = model(true);
  const { tensors, metadata } = modelFileContent(m);
  assert.match(metadata.architecture!, /"trainable":false/);
  metadata.architecture = metadata.architecture!.replace('"trainable":false', '"trainable":"no"');
  assert.throws(() => decodeModel(encodeSafetensors(tensors, metadata)), (e: unknown) => e instanceof ModelFileError && /Conv2D "conv2d" expects trainable to be true or false; received "no"\./.test(e.message));
});

test('back-propagation stops at a frozen base: its gradients are never computed; a fully frozen model trains nothing', async () => {
  const m = model(true);
  await m.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
  // The conv kernel's gradient buffer was allocated zeroed and never written.
  assert.ok(m.weights()[0].grad.every((g) => g === 0));
  assert.ok(m.weights()[2].grad.some((g) => g !== 0));
  const all = model(true);
  all.layers[2].trainable = false;
  const before = all.getWeights();
  await all.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
  assert.deepEqual(all.getWeights(), before);
});
