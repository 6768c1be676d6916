/**
 * The model's input shape three ways, as Keras allows: layers.input({ shape })
 * first in the list (keras.Input), new Sequential(layers, { inputShape }), or
 * inputShape on the first layer. All build the same model, save, reload and
 * export alike; misuse is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, Sequential, Tensor, exportTfjs, layers, loadTfjsModel } from '../../src/index.js';
import { decodeModel, encodeModel } from '../../src/io/model-file.js';

const body = () => [layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })];
const options = { backend: 'reference' as const, seed: 9 };

test('layers.input first, options.inputShape and a first layer inputShape build the same model at once', async () => {
  const withInput = new Sequential([layers.input({ shape: [5, 5, 1] }), ...body()], options);
  const withOption = new Sequential(body(), { ...options, inputShape: [5, 5, 1] });
  const onLayer = new Sequential([layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [5, 5, 1] }), ...body().slice(1)], options);
  const x = new Tensor(Float32Array.from({ length: 50 }, (_, i) => (i % 7) / 7), [2, 5, 5, 1]);
  const expected = await onLayer.predict(x);
  for (const model of [withInput, withOption]) {
    assert.equal(model.isBuilt, true);
    assert.deepEqual(model.inputShape, [5, 5, 1]);
    // The Input is not one of the model's layers, as in Keras.
    assert.deepEqual(model.layers.map((l) => l.className), ['Conv2D', 'Flatten', 'Dense']);
    assert.equal(model.countParams(), 77);
    assert.deepEqual(await model.predict(x), expected);
  }
});

test('a model built from an Input saves, reloads and round-trips through TF.js', async () => {
  const model = new Sequential([layers.input({ shape: [5, 5, 1] }), ...body()], options);
  const back = decodeModel(encodeModel(model)).model;
  assert.deepEqual(back.inputShape, [5, 5, 1]);
  assert.deepEqual(back.getWeights(), model.getWeights());
  const dir = await mkdtemp(join(tmpdir(), 'convkit-input-'));
  try {
    const json = await exportTfjs(model, dir);
    const fromTfjs = await loadTfjsModel(json, { backend: 'reference' });
    assert.deepEqual(fromTfjs.getWeights(), model.getWeights());
    // A model.json written by Keras starts with an InputLayer instead: it is read as the input shape.
    const keras = JSON.parse(await readFile(json, 'utf8'));
    const first = keras.modelTopology.config.layers[0].config;
    delete first.batch_input_shape;
    keras.modelTopology.config.layers.unshift({ class_name: 'InputLayer', config: { batch_input_shape: [null, 5, 5, 1], dtype: 'float32', sparse: false, name: 'input_1' } });
    await writeFile(json, JSON.stringify(keras));
    const fromKeras = await loadTfjsModel(json, { backend: 'reference' });
    assert.deepEqual(fromKeras.inputShape, [5, 5, 1]);
    assert.deepEqual(fromKeras.layers.map((l) => l.className), ['Conv2D', 'Flatten', 'Dense']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Input misuse is refused: a bad shape, an Input not first or twice, a first layer that disagrees', () => {
  for (const bad of [undefined, [], [0, 2], [2.5], '28']) {
    assert.throws(() => layers.input({ shape: bad as never }), (e: unknown) => e instanceof ConfigError && /^Input expects shape as a list of positive integers without the batch dimension, e\.g\. \{ shape: \[28, 28, 1\] \}; received /.test(e.message));
  }
  assert.throws(() => new Sequential([layers.dense({ units: 2 }), layers.input({ shape: [3] })], options),
    (e: unknown) => e instanceof ConfigError && e.message === 'An Input must come first in a Sequential model, and only once; model "sequential" already has 1 layer(s).');
  assert.throws(() => new Sequential([layers.input({ shape: [3] })], { ...options, inputShape: [3] }),
    (e: unknown) => e instanceof ConfigError && e.message === 'An Input must come first in a Sequential model, and only once; model "sequential" already has the input shape [3].');
  assert.throws(() => new Sequential([layers.dense({ units: 2, inputShape: [4] })], { ...options, inputShape: [3] }),
    (e: unknown) => e instanceof ConfigError && e.message === 'Layer "dense" declares inputShape [4], but the model\'s input shape is [3].');
  assert.throws(() => new Sequential([], { ...options, inputShape: [-1] }), /Input expects shape as a list of positive integers/);
  // The same shape twice is fine.
  assert.equal(new Sequential([layers.dense({ units: 2, inputShape: [3] })], { ...options, inputShape: [3] }).countParams(), 8);
});

test('Input refuses an option it does not read, naming the nearest one', () => {
  assert.throws(() => layers.input({ shape: [28, 28, 1], inputShape: [28, 28, 1] } as never), (e: unknown) => e instanceof ConfigError && /"inputShape"/.test(e.message));
  assert.throws(() => layers.input({ shap: [28, 28, 1] } as never), (e: unknown) => e instanceof ConfigError && /did you mean "shape"\?/.test(e.message));
});
