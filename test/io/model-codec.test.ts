import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, Tensor } from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-codec.js';
import * as modelFile from '../../src/io/model-file.js';
import { labCnnLayers } from '../model/small-models.js';

test('a model encoded to bytes decodes to the same weights and predictions, with no file involved', () => {
  const model = new Sequential(labCnnLayers([28, 28, 1]), { backend: 'reference', seed: 11, name: 'bytes' });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const { model: decoded, metadata } = decodeModel(encodeModel(model, { metadata: { title: 'drawn digits' } }), { backend: 'reference' });
  assert.equal(metadata.get('title'), 'drawn digits');
  assert.deepEqual(decoded.weights().map((w) => [w.name, [...w.value]]), model.weights().map((w) => [w.name, [...w.value]]));
  const image = new Tensor(Float32Array.from({ length: 784 }, (_, i) => (i % 7) / 7), [1, 28, 28, 1]);
  assert.deepEqual([...decoded.predict(image).data], [...model.predict(image).data]);
  assert.throws(() => decodeModel(new Uint8Array(4), { source: 'page bytes' }), /page bytes/);
});

test('model-file.ts re-exports the codec, so saveModel and decodeModel keep one import', () => {
  assert.equal(modelFile.decodeModel, decodeModel);
  assert.equal(modelFile.encodeModel, encodeModel);
});
