/**
 * Sequential end to end on the reference backend: summary text of the lab CNN
 * and the Dense baseline, layer naming, determinism, predict / evaluate / fit
 * semantics (History, validationSplit, stopTraining), and a small synthetic
 * problem that a tiny CNN must learn.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, Sequential, ShapeError, Tensor, layers, receptiveFields, referenceBackend, type Backend, type Callback } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import { Random } from '../../src/core/random.js';
import { labCnnLayers, onReference, smallClassifier, zeroImages4x4 } from './small-models.js';

const quiet = { print: (): void => {} };

/** The lab CNN in the Keras form: inputShape on the first layer builds each layer as it is added. */
function labCnn(seed = 1): Sequential {
  return new Sequential(labCnnLayers([28, 28, 1]), { backend: 'reference', seed });
}

function lineFor(text: string, layerName: string): string {
  const line = text.split('\n').find((l) => l.includes(`${layerName} (`));
  assert.ok(line, `no summary row for ${layerName}:\n${text}`);
  return line;
}

/** 8x8 greyscale images with one bright quadrant; the label is the quadrant (0..3). */
function quadrants(count: number, seed: number): { x: Tensor; y: Int32Array } {
  const random = new Random(seed);
  const data = new Float32Array(count * 64);
  const y = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const q = random.int(4);
    y[n] = q;
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        const inside = (r < 4 ? 0 : 2) + (c < 4 ? 0 : 1) === q;
        data[n * 64 + r * 8 + c] = random.uniform(0, 0.4) + (inside ? 0.6 : 0);
      }
    }
  }
  return { x: new Tensor(data, [count, 8, 8, 1]), y };
}

function tinyCnn(seed: number, extra: Layer[] = []): Sequential {
  const model = new Sequential([
    layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    ...extra,
    layers.dense({ units: 4, activation: 'softmax' }),
  ], { backend: 'reference', seed });
  model.build([8, 8, 1]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

describe('summary', () => {
  test('lab CNN: Keras names, output shapes, per-layer and total parameter counts', () => {
    const model = labCnn();
    const text = model.summary(quiet);
    const expected: [string, string, string, string][] = [
      ['conv2d', 'Conv2D', '(None, 26, 26, 32)', '320'],
      ['max_pooling2d', 'MaxPooling2D', '(None, 13, 13, 32)', '0'],
      ['conv2d_1', 'Conv2D', '(None, 11, 11, 64)', '18,496'],
      ['max_pooling2d_1', 'MaxPooling2D', '(None, 5, 5, 64)', '0'],
      ['flatten', 'Flatten', '(None, 1600)', '0'],
      ['dense', 'Dense', '(None, 128)', '204,928'],
      ['dense_1', 'Dense', '(None, 10)', '1,290'],
    ];
    assert.deepEqual(model.layers.map((l) => l.name), expected.map((e) => e[0]));
    for (const [name, className, shape, params] of expected) {
      const line = lineFor(text, name);
      assert.match(line, new RegExp(`${name} \\(${className}\\)`));
      assert.ok(line.includes(shape), `${name}: expected ${shape} in ${line}`);
      assert.match(line, new RegExp(`[\\s│]${params} │`), `${name}: expected ${params} params in ${line}`);
    }
    assert.match(text, /Total params: 225,034\b/);
    assert.match(text, /Trainable params: 225,034\b/);
    assert.match(text, /Non-trainable params: 0\b/);
    assert.equal(model.countParams(), 225034);
  });

  test('summary prints through the print option and returns the same text', () => {
    const model = labCnn();
    const printed: string[] = [];
    const text = model.summary({ print: (t) => printed.push(t) });
    assert.deepEqual(printed, [text]);
    assert.match(text, /^Model: "sequential"/);
  });

  test('Dense baseline Flatten -> Dense(128, relu) -> Dense(10, softmax) has 101,770 params', () => {
    const model = new Sequential([layers.flatten({ inputShape: [28, 28, 1] }), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' })], { backend: 'reference', seed: 1 });
    const text = model.summary(quiet);
    assert.match(text, /Total params: 101,770\b/);
    assert.ok(lineFor(text, 'flatten').includes('(None, 784)'));
    assert.match(lineFor(text, 'dense'), /100,480 │/);
    assert.match(lineFor(text, 'dense_1'), /1,290 │/);
  });

  test('details mode: parameter formulas and receptive fields 3, 4, 8, 10', () => {
    const text = labCnn().summary({ ...quiet, details: true });
    assert.ok(lineFor(text, 'conv2d').includes('3*3*1*32 + 32'));
    assert.ok(lineFor(text, 'conv2d_1').includes('3*3*32*64 + 64'));
    assert.ok(lineFor(text, 'dense').includes('1600*128 + 128'));
    assert.ok(lineFor(text, 'conv2d').includes('3x3 (jump 1)'));
    assert.ok(lineFor(text, 'max_pooling2d').includes('4x4 (jump 2)'));
    assert.ok(lineFor(text, 'conv2d_1').includes('8x8 (jump 2)'));
    assert.ok(lineFor(text, 'max_pooling2d_1').includes('10x10 (jump 4)'));
    assert.ok(lineFor(text, 'dense').includes('all 28x28'));
    assert.match(text, /Forward FLOPs per sample: 5\.\d+ M/);
  });

  test('receptiveFields(): r_out = r_in + (k - 1) j_in, j_out = j_in s', () => {
    const model = labCnn();
    const fields = receptiveFields(model.layers, 28);
    assert.deepEqual(fields.slice(0, 4).map((f) => [f.size, f.jump]), [[3, 1], [4, 2], [8, 2], [10, 4]]);
    assert.equal(fields[4].size, 10);
    assert.deepEqual(fields.slice(5).map((f) => f.global), [true, true]);
  });

  test('weights are named after their layer, kernels [KH, KW, C, OC] and [IN, OUT]', () => {
    const weights = labCnn().weights();
    assert.deepEqual(weights.map((w) => w.name), [
      'conv2d/kernel', 'conv2d/bias', 'conv2d_1/kernel', 'conv2d_1/bias', 'dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias',
    ]);
    assert.deepEqual(weights[0].shape, [3, 3, 1, 32]);
    assert.deepEqual(weights[2].shape, [3, 3, 32, 64]);
    assert.deepEqual(weights[4].shape, [1600, 128]);
    // glorot_uniform kernels within +/- sqrt(6 / (fanIn + fanOut)), zero biases.
    const limit = Math.sqrt(6 / (9 + 9 * 32));
    assert.ok(weights[0].value.every((v) => Math.abs(v) <= limit) && weights[0].value.some((v) => v !== 0));
    assert.ok(weights[1].value.every((v) => v === 0));
  });

  test('inputShape on the first layer builds every layer as it is added, also through add()', () => {
    const model = new Sequential([], { backend: 'reference', seed: 1 });
    for (const layer of labCnnLayers([28, 28, 1])) {
      model.add(layer);
      assert.equal(layer.built, true, `${layer.name} built on add`);
    }
    assert.equal(model.isBuilt, true);
    assert.equal(model.countParams(), 225034);
  });

  test('layers without inputShape build later, from model.build(), to the same summary', () => {
    const lazy = new Sequential(labCnnLayers(), { backend: 'reference', seed: 1 });
    assert.equal(lazy.isBuilt, false);
    lazy.build([28, 28, 1]);
    assert.equal(lazy.summary(quiet), labCnn().summary(quiet));
    // Same seed, same layer order: same initial weights either way.
    assert.deepEqual(lazy.getWeights().map((t) => t.data), labCnn().getWeights().map((t) => t.data));
  });
});

describe('predict and evaluate', () => {
  test('predict returns [N, 10] probability rows for the lab CNN', async () => {
    const model = labCnn(3);
    const random = new Random(5);
    const x = new Tensor(Float32Array.from({ length: 3 * 784 }, () => random.next()), [3, 28, 28, 1]);
    const out = await model.predict(x, { batchSize: 2 });
    assert.deepEqual(out.shape, [3, 10]);
    for (let r = 0; r < 3; r++) {
      const row = Array.from(out.data.subarray(r * 10, r * 10 + 10));
      assert.ok(row.every((p) => p >= 0 && p <= 1));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `row ${r} sums to ${row.reduce((a, b) => a + b, 0)}`);
    }
    // Batching does not change the answer.
    const single = await model.predict(x, { batchSize: 1 });
    for (let i = 0; i < 30; i++) assert.ok(Math.abs(single.data[i] - out.data[i]) < 1e-6);
  });

  test('evaluate builds a model that has no input shape yet from x, as predict and fit do', async () => {
    const model = new Sequential([layers.flatten(), layers.dense({ units: 2, activation: 'softmax' })], { backend: 'reference', seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const logs = await model.evaluate(new Tensor(new Float32Array(8), [2, 4]), [0, 1]);
    assert.ok(Math.abs(logs.loss - Math.log(2)) < 1e-6); // zero input: uniform probabilities
  });

  test('evaluate returns loss = -mean log p[label] and accuracy = share of argmax hits', async () => {
    const model = tinyCnn(4);
    const { x, y } = quadrants(20, 8);
    const logs = await model.evaluate(x, y, { batchSize: 6 });
    assert.deepEqual(Object.keys(logs).sort(), ['accuracy', 'loss']);
    const probs = (await model.predict(x)).data;
    let loss = 0;
    let hits = 0;
    for (let r = 0; r < 20; r++) {
      const row = Array.from(probs.subarray(r * 4, r * 4 + 4));
      loss -= Math.log(row[y[r]]);
      if (row.indexOf(Math.max(...row)) === y[r]) hits++;
    }
    assert.ok(Math.abs(logs.loss - loss / 20) < 1e-5, `loss ${logs.loss} vs ${loss / 20}`);
    assert.equal(logs.accuracy, hits / 20);
  });
});

describe('fit', () => {
  test('returns a History with loss, accuracy, val_loss, val_accuracy per epoch', async () => {
    const model = tinyCnn(2);
    const { x, y } = quadrants(40, 1);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: 0 });
    assert.deepEqual(history.epoch, [0, 1, 2]);
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) {
      assert.equal(history.history[key]?.length, 3, key);
      assert.ok(history.history[key].every((v) => Number.isFinite(v) && v >= 0), key);
    }
    assert.ok(history.history.accuracy.every((v) => v <= 1));
    assert.equal(history.params.samples, 30);
    assert.equal(history.params.steps, 4);
  });

  test('without validation data there are no val_ entries', async () => {
    const model = tinyCnn(2);
    const { x, y } = quadrants(16, 1);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss']);
  });

  test('verbose 0 writes nothing to the stream', async () => {
    const model = tinyCnn(2);
    const { x, y } = quadrants(16, 1);
    const writes: string[] = [];
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, stream: { write: (s: string) => writes.push(s) > 0 } });
    assert.deepEqual(writes, []);
  });

  test('validationSplit holds out the LAST fraction of the samples', async () => {
    const model = tinyCnn(6);
    const { x, y } = quadrants(40, 2);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 8, validationSplit: 0.25, verbose: 0 });
    assert.equal(history.params.samples, 30);
    const last = await model.evaluate(x.slice(30, 40), y.subarray(30), { batchSize: 8 });
    const first = await model.evaluate(x.slice(0, 10), y.subarray(0, 10), { batchSize: 8 });
    assert.ok(Math.abs(history.history.val_loss[0] - last.loss) < 1e-6, `val_loss ${history.history.val_loss[0]} vs last 10 ${last.loss}`);
    assert.equal(history.history.val_accuracy[0], last.accuracy);
    assert.notEqual(history.history.val_loss[0], first.loss);
  });

  test('validationData is evaluated at the end of each epoch', async () => {
    const model = tinyCnn(6);
    const train = quadrants(24, 2);
    const val = quadrants(12, 3);
    const history = await model.fit(train.x, train.y, { epochs: 1, batchSize: 8, validationData: [val.x, val.y], verbose: 0 });
    const logs = await model.evaluate(val.x, val.y, { batchSize: 8 });
    assert.ok(Math.abs(history.history.val_loss[0] - logs.loss) < 1e-6);
  });

  test('a callback setting model.stopTraining ends training after the current batch', async () => {
    const model = tinyCnn(2);
    const { x, y } = quadrants(64, 1);
    const seen: string[] = [];
    const callback: Callback = {
      onTrainBegin: () => { seen.push('begin'); },
      onBatchEnd: (batch) => {
        seen.push(`batch${batch}`);
        if (batch === 2) model.stopTraining = true;
      },
      onEpochEnd: (epoch) => { seen.push(`epoch${epoch}`); },
      onTrainEnd: () => { seen.push('end'); },
    };
    const history = await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [callback] });
    assert.deepEqual(seen, ['begin', 'batch0', 'batch1', 'batch2', 'epoch0', 'end']);
    assert.equal(history.epoch.length, 1);
    assert.equal(model.optimizer?.iterations, 3);
  });

  test('fit builds a model that has no input shape yet from x', async () => {
    const model = new Sequential([layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })], { backend: 'reference', seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    assert.equal(model.isBuilt, false);
    await model.fit(new Tensor(new Float32Array(4 * 6), [4, 2, 3]), [0, 1, 2, 0], { verbose: 0 });
    assert.equal(model.isBuilt, true);
    assert.equal(model.countParams(), 6 * 3 + 3);
  });

  test('categorical_crossentropy trains from one-hot Tensor targets', async () => {
    const model = new Sequential([layers.flatten(), layers.dense({ units: 4, activation: 'softmax' })], { backend: 'reference', seed: 3 });
    model.build([8, 8, 1]);
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const { x, y } = quadrants(32, 4);
    const onehot = new Float32Array(32 * 4);
    y.forEach((label, i) => { onehot[i * 4 + label] = 1; });
    const target = new Tensor(onehot, [32, 4]);
    const before = (await model.evaluate(x, target)).loss;
    const history = await model.fit(x, target, { epochs: 5, batchSize: 8, verbose: 0 });
    assert.equal(history.history.loss.length, 5);
    assert.ok((await model.evaluate(x, target)).loss < before, 'loss should fall');
  });
});

describe('determinism', () => {
  async function trainedWeights(seed: number): Promise<Float32Array[]> {
    const model = tinyCnn(seed, [layers.dense({ units: 8, activation: 'relu' }), layers.dropout({ rate: 0.25 })]);
    const { x, y } = quadrants(48, 11);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    return model.getWeights().map((t) => t.data as Float32Array);
  }

  test('same seed, same data: bit-identical weights after training (init, shuffle, dropout)', async () => {
    const a = await trainedWeights(42);
    const b = await trainedWeights(42);
    assert.equal(a.length, b.length);
    a.forEach((w, i) => assert.deepEqual(w, b[i], `weight ${i} differs`));
  });

  test('a different seed gives different weights', async () => {
    const a = await trainedWeights(42);
    const c = await trainedWeights(43);
    assert.ok(a.some((w, i) => w.some((v, j) => v !== c[i][j])));
  });

  test('setWeights copies a model exactly (same predictions)', async () => {
    const a = tinyCnn(1);
    const b = tinyCnn(2);
    const { x } = quadrants(5, 1);
    assert.notDeepEqual((await a.predict(x)).data, (await b.predict(x)).data);
    b.setWeights(a.getWeights());
    assert.deepEqual((await b.predict(x)).data, (await a.predict(x)).data);
  });
});

describe('learning', () => {
  test('a tiny CNN learns which quadrant of an 8x8 image is bright (> 90% held-out accuracy)', async () => {
    const model = new Sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 4, activation: 'softmax' }),
    ], { backend: 'reference', seed: 2024 });
    model.build([8, 8, 1]);
    const { Adam } = await import('../../src/index.js');
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const train = quadrants(256, 100);
    const heldOut = quadrants(128, 200);
    const before = await model.evaluate(heldOut.x, heldOut.y);
    const history = await model.fit(train.x, train.y, { epochs: 6, batchSize: 16, verbose: 0 });
    const after = await model.evaluate(heldOut.x, heldOut.y);
    assert.ok(history.history.loss[5] < history.history.loss[0], 'training loss should fall');
    assert.ok(after.loss < before.loss);
    assert.ok(after.accuracy! > 0.9, `held-out accuracy ${after.accuracy}`);
  });
});

describe('rejected structure and calls: the error names the model or layer, what was expected and what was received', () => {
  test('duplicate layer names', () => {
    assert.throws(
      () => new Sequential([layers.flatten({ name: 'same_name', inputShape: [4] }), layers.dense({ units: 2, name: 'same_name' })], onReference),
      /Model "sequential" already has a layer named "same_name"; layer names must be unique\./,
    );
  });

  test('inputShape on a non-first layer', () => {
    assert.throws(
      () => new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.dense({ units: 2, inputShape: [16] })], onReference),
      /Layer "dense" declares inputShape, but only the first layer of a Sequential model may\./,
    );
  });

  test('reusing a layer that already belongs to a built model', () => {
    const flatten = layers.flatten({ inputShape: [4] });
    new Sequential([flatten], onReference);
    assert.throws(() => new Sequential([flatten], onReference), /Layer "flatten" \(Flatten\) already belongs to a built model; create a new layer\./);
  });

  test('a rejected add() leaves the model unchanged', () => {
    const model = new Sequential([layers.flatten({ inputShape: [4, 4, 1] })], onReference);
    assert.throws(() => model.add(layers.maxPooling2d()), /MaxPooling2D layer "max_pooling2d" expects input of rank 4/);
    assert.deepEqual(model.layers.map((l) => l.name), ['flatten']);
    model.add(layers.dense({ units: 2 }));
    assert.deepEqual(model.outputShape, [2]);
  });

  test('float64 with a backend that does not support it', () => {
    const fake: Backend = { ...referenceBackend(), name: 'fake-simd', supportsFloat64: false };
    assert.throws(
      () => new Sequential([layers.flatten({ inputShape: [4] })], { backend: fake, dtype: 'float64' }),
      /Sequential with dtype 'float64' needs a backend that supports it; 'fake-simd' does not\. Use \{ backend: 'reference' \}\./,
    );
  });

  test('summary of a model with no input shape says how to give one', () => {
    const model = new Sequential([layers.flatten(), layers.dense({ units: 2 })], onReference);
    assert.throws(() => model.summary({ print: () => {} }), /Model "sequential" is not built yet: give the first layer an inputShape \(e\.g\. inputShape: \[28, 28, 1\]\)/);
  });

  test('setWeights with the wrong count or shape', () => {
    const model = smallClassifier();
    const weights = model.getWeights();
    assert.throws(() => model.setWeights(weights.slice(1)), /setWeights\(\) expects 4 tensors for model "sequential"; received 3\./);
    const wrong = [new Tensor(new Float32Array(18), [3, 3, 2, 1]), ...weights.slice(1)];
    assert.throws(() => model.setWeights(wrong), (e: unknown) => e instanceof ShapeError && /setWeights\(\): conv2d\/kernel expects shape \[3, 3, 1, 2\]; received \[3, 3, 2, 1\]\./.test(e.message));
  });

  test('fit before compile says to call compile', async () => {
    const model = new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.dense({ units: 3, activation: 'softmax' })], onReference);
    await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { verbose: 0 }), /fit\(\) needs a compiled model: call model\.compile\(\{ optimizer: 'adam', loss: 'sparse_categorical_crossentropy'/);
    await assert.rejects(() => model.evaluate(zeroImages4x4(2), [0, 1]), (e: unknown) => e instanceof ConfigError && /evaluate\(\) needs a compiled model/.test(e.message));
  });
});
