/**
 * Which model the page sees: --model-file's model (any Sequential: its own
 * layers and input size), with its confusion matrix on the test set when it
 * reads MNIST; a training job never replaces it. Without a file, the fresh
 * lab CNN, untrained.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequential, Tensor, layers } from '../../../../src/index.js';
import { saveModel } from '../../../../src/io/model-file.js';
import { createDenseBaseline } from '../../../../src/apps/lab/lab-models.js';
import { call, postJson, withPlayground } from './http-client.js';
import { EventReader } from './sse-client.js';

test('--model-file: the page sees that model, its confusion matrix on the test set and its predictions; a job does not replace it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-playground-'));
  try {
    const path = join(dir, 'dense.safetensors');
    const model = createDenseBaseline({ seed: 5, backend: 'reference' });
    await saveModel(model, path);
    await withPlayground({ modelFile: path, testLimit: 90 }, async (server) => {
      const info = (await call(server, { path: '/api/model' })).json;
      assert.equal(info.trained, true);
      assert.ok(info.title.includes(path));
      assert.deepEqual(info.layers.map((l: { className: string }) => l.className), ['Flatten', 'Dense', 'Dense']);
      assert.deepEqual(info.kernels, []);
      const confusion = (await call(server, { path: '/api/confusion' })).json;
      assert.equal(confusion.matrix.flat().reduce((a: number, b: number) => a + b, 0), 90);
      const pixels = new Array(784).fill(0.25);
      const before = (await postJson(server, '/api/predict', { pixels })).json;
      assert.deepEqual(before.activations, [], 'a Dense model has no map outputs');
      // The file's weights, answered on the server's backend (native): equal to float32 rounding.
      const expected = (await model.predict(new Tensor(Float32Array.from(pixels), [1, 28, 28, 1]))).data;
      before.probabilities.forEach((p: number, i: number) => assert.ok(Math.abs(p - expected[i]) < 1e-5, `class ${i}: ${p} vs ${expected[i]}`));

      const events = new EventReader(server);
      await postJson(server, '/api/train', { models: ['cnn'], epochs: 1, batchSize: 32, trainLimit: 200, testLimit: 50 });
      assert.equal((await events.next((e) => e.event === 'done' || e.event === 'error')).event, 'done');
      events.close();
      assert.deepEqual((await postJson(server, '/api/predict', { pixels })).json.probabilities, before.probabilities);
      assert.equal((await call(server, { path: '/api/confusion' })).json.matrix.flat().reduce((a: number, b: number) => a + b, 0), 90);
    });

    // A model of another input size: its own shape; no MNIST confusion matrix.
    const small = new Sequential([layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [8, 8, 1] }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })], { seed: 1, backend: 'reference' });
    const smallPath = join(dir, 'small.safetensors');
    await saveModel(small, smallPath);
    await withPlayground({ modelFile: smallPath, testLimit: 20 }, async (server) => {
      const info = (await call(server, { path: '/api/model' })).json;
      assert.deepEqual(info.inputShape, [8, 8, 1]);
      assert.equal(info.classes, 3);
      assert.deepEqual(info.kernels[0].shape, [3, 3, 1, 2]);
      assert.equal((await call(server, { path: '/api/confusion' })).json, null);
      const answer = (await postJson(server, '/api/predict', { pixels: new Array(64).fill(1) })).json;
      assert.deepEqual(answer.activations.map((a: { shape: number[] }) => a.shape), [[6, 6, 2]]);
      assert.equal((await postJson(server, '/api/predict', { pixels: new Array(784).fill(1) })).status, 400);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('without --model-file the page sees the fresh lab CNN, untrained', async () => {
  await withPlayground({}, async (server) => {
    const info = (await call(server, { path: '/api/model' })).json;
    assert.equal(info.trained, false);
    assert.match(info.title, /untrained/);
    assert.deepEqual(info.layers.map((l: { receptiveField: { size: number } }) => l.receptiveField.size).slice(0, 4), [3, 4, 8, 10]);
    assert.equal(info.kernels.length, 2);
  });
});
