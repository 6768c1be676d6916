/**
 * The done-when for losses: a binary classifier with a sigmoid output
 * and binary_crossentropy trains (its metrics in History under Keras's names),
 * evaluates, saves, reloads with its compile settings and predicts bit for
 * bit, and exports to TF.js and ONNX, whose runtimes agree with convkit within 1e-5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { Sequential, Tensor, exportOnnx, exportTfjs, layers, loadModel, saveModel } from '../../src/index.js';
import { Random } from '../../src/core/random.js';
import { maxAbsDiff, tfjsFolderHandler, tfjsPredict, TOLERANCE } from './tfjs-onnx-fixtures.js';

/** 8x8 images: class 1 has a bright square in the top-left quadrant, class 0 in the bottom-right; noise elsewhere. */
function dataset(n: number, seed: number): { x: Tensor; y: Float32Array } {
  const random = new Random(seed);
  const x = new Float32Array(n * 64), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = random.int(2);
    for (let p = 0; p < 64; p++) x[i * 64 + p] = random.uniform(0, 0.3);
    const offset = y[i] === 1 ? 1 : 5;
    for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) x[i * 64 + (offset + r) * 8 + offset + c] = 1;
  }
  return { x: new Tensor(x, [n, 8, 8, 1]), y };
}

test('sigmoid + binary_crossentropy: trains, evaluates, saves, reloads and exports', async () => {
  const model = new Sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 8, activation: 'gelu' }),
    layers.dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 12 });
  model.compile({ optimizer: 'adam', loss: { name: 'binary_crossentropy', labelSmoothing: 0.05 }, metrics: ['accuracy', 'precision', 'recall'] });
  const train = dataset(256, 1), held = dataset(64, 2);
  const history = await model.fit(train.x, train.y, { epochs: 8, batchSize: 16, validationData: [held.x, held.y], verbose: 0 });
  assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss', 'precision', 'recall', 'val_accuracy', 'val_loss', 'val_precision', 'val_recall']);
  assert.ok(history.history.loss.at(-1)! < history.history.loss[0], `loss ${history.history.loss}`);
  const result = await model.evaluate(held.x, held.y);
  assert.ok(result.accuracy! >= 0.95, `held-out accuracy ${result.accuracy}`);
  assert.ok(result.precision! > 0.9 && result.recall! > 0.9, `precision ${result.precision}, recall ${result.recall}`);

  const dir = await mkdtemp(join(tmpdir(), 'convkit-binary-'));
  try {
    const file = join(dir, 'model.safetensors');
    await saveModel(model, file);
    const reloaded = await loadModel(file, { backend: model.backend });
    assert.equal(reloaded.loss!.name, 'binary_crossentropy');
    assert.equal(reloaded.loss!.labelSmoothing, 0.05);
    assert.deepEqual(reloaded.metrics, ['accuracy', 'precision', 'recall']);
    const ours = (await model.predict(held.x)).data;
    assert.deepEqual(Array.from((await reloaded.predict(held.x)).data), Array.from(ours));
    assert.deepEqual(await reloaded.evaluate(held.x, held.y), result);

    await exportTfjs(model, join(dir, 'tfjs'));
    const tfjsModel = await tf.loadLayersModel(tfjsFolderHandler(join(dir, 'tfjs')));
    const tfjsDiff = maxAbsDiff(tfjsPredict(tfjsModel, held.x), ours);
    assert.ok(tfjsDiff <= TOLERANCE, `TF.js differs by ${tfjsDiff}`);

    const session = await ort.InferenceSession.create(await exportOnnx(model, join(dir, 'onnx')));
    const output = await session.run({ input: new ort.Tensor('float32', held.x.data as Float32Array, [...held.x.shape]) });
    const onnxDiff = maxAbsDiff(output.output.data as Float32Array, ours);
    assert.ok(onnxDiff <= TOLERANCE, `ONNX Runtime differs by ${onnxDiff}`);
    await session.release();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
