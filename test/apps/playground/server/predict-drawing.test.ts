/**
 * /api/predict: the probabilities of the current model and the output of
 * every layer with a map output, base64 Float32 that decodes to exactly what
 * the layers computed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLabCnn } from '../../../../src/apps/lab/lab-models.js';
import { layerOutputs } from '../../../../src/apps/playground/server/model-probe.js';
import { predictDrawing } from '../../../../src/apps/playground/server/predict-drawing.js';
import { postJson, withPlayground } from './http-client.js';

function decode(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

function drawing(): number[] {
  // A vertical bar: a "1".
  return Array.from({ length: 784 }, (_, i) => (i % 28 >= 13 && i % 28 <= 15 && i >= 4 * 28 && i < 24 * 28 ? 1 : 0));
}

test('predictDrawing answers the probabilities and every conv and pool output, as the layers computed them', () => {
  const model = createLabCnn({ seed: 7, backend: 'reference' });
  const input = Float32Array.from(drawing());
  const answer = predictDrawing(model, input);
  assert.deepEqual(answer.activations.map((a) => [a.layer, a.shape]), [
    ['conv2d', [26, 26, 32]], ['max_pooling2d', [13, 13, 32]], ['conv2d_1', [11, 11, 64]], ['max_pooling2d_1', [5, 5, 64]],
  ]);
  const expected = layerOutputs(model, input);
  for (const activation of answer.activations) {
    assert.deepEqual(decode(activation.base64), expected.find((o) => o.name === activation.layer)!.data);
  }
  assert.equal(answer.probabilities.length, 10);
  assert.ok(Math.abs(answer.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.equal(answer.predicted, answer.probabilities.indexOf(Math.max(...answer.probabilities)));
  assert.ok(answer.elapsedMs >= 0);
});

test('POST /api/predict answers over HTTP for the fresh lab CNN', async () => {
  await withPlayground({}, async (server) => {
    const answer = await postJson(server, '/api/predict', { pixels: drawing() });
    assert.equal(answer.status, 200);
    assert.equal(answer.json.probabilities.length, 10);
    assert.equal(answer.json.activations.length, 4);
    assert.equal(decode(answer.json.activations[0].base64).length, 26 * 26 * 32);
  });
});
