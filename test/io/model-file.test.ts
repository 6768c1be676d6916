/**
 * model.save / loadModel: a saved model comes back identical (weights, compile
 * settings, optimizer and generator state), and every way a model file can lie
 * about itself is refused with a message that says what is wrong.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ModelFileError, Sequential, SGD, Tensor, layers, loadModel, loadModelFile } from '../../src/index.js';
import { decodeModel, encodeModel, modelFileContent, saveModel } from '../../src/io/model-file.js';
import { encodeSafetensors, type NamedTensor } from '../../src/io/safetensors.js';
import { Random } from '../../src/core/random.js';
import { createLabCnn } from '../../src/apps/lab/lab-models.js';

function tinyModel(seed = 5, compile = true): Sequential {
  const model = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend: 'reference', seed, name: 'tiny' });
  if (compile) model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

function data(count: number, seed: number): { x: Tensor; y: Int32Array } {
  const random = new Random(seed);
  const x = new Float32Array(count * 36).map(() => random.next());
  const y = Int32Array.from({ length: count }, () => random.int(3));
  return { x: new Tensor(x, [count, 6, 6, 1]), y };
}

/** Re-encodes a valid model file after `edit` has changed its tensors or metadata. */
function tampered(model: Sequential, edit: (content: { tensors: NamedTensor[]; metadata: Record<string, string> }) => void, epoch?: number): Uint8Array {
  const content = modelFileContent(model, { epoch });
  edit(content);
  return encodeSafetensors(content.tensors, content.metadata);
}

function editArchitecture(model: Sequential, edit: (spec: { layers: { className: string; config: Record<string, unknown> }[] } & Record<string, unknown>) => void): Uint8Array {
  return tampered(model, ({ metadata }) => {
    const spec = JSON.parse(metadata.architecture);
    edit(spec);
    metadata.architecture = JSON.stringify(spec);
  });
}

function refused(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => decodeModel(bytes, { source: 'm.safetensors' }), (error: unknown) => {
    assert.ok(error instanceof ModelFileError, `expected a ModelFileError, got ${String(error)}`);
    assert.match(error.message, /m\.safetensors/);
    assert.match(error.message, message);
    return true;
  });
}

describe('round trip', () => {
  test('the lab CNN comes back with identical weights, predictions, summary and compile settings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convkit-'));
    try {
      const original = createLabCnn({ seed: 7, backend: 'reference', learningRate: 0.0005 });
      const path = join(dir, 'cnn.safetensors');
      await saveModel(original, path);
      const loaded = await loadModel(path, { backend: 'reference' });
      assert.deepEqual(loaded.getWeights().map((t) => t.data), original.getWeights().map((t) => t.data));
      assert.deepEqual(loaded.weights().map((w) => w.name), original.weights().map((w) => w.name));
      assert.equal(loaded.name, 'cnn');
      assert.equal(loaded.seed, 7);
      assert.equal(loaded.countParams(), 225_034);
      const quiet = { print: () => {} };
      assert.equal(loaded.summary(quiet), original.summary(quiet));
      assert.deepEqual(loaded.optimizer?.getConfig(), { name: 'adam', learningRate: 0.0005, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
      assert.equal(loaded.loss?.name, 'sparse_categorical_crossentropy');
      assert.deepEqual(loaded.metrics, ['accuracy']);
      const x = new Tensor(new Float32Array(2 * 784).map((_, i) => (i % 7) / 7), [2, 28, 28, 1]);
      assert.deepEqual((await loaded.predict(x)).data, (await original.predict(x)).data);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('after training, the optimizer slots, step count and generator state come back, so the next step is identical', async () => {
    const { x, y } = data(24, 1);
    const a = tinyModel();
    await a.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const { model: b, epoch } = decodeModel(encodeModel(a, { epoch: 2 }), { backend: 'reference' });
    assert.equal(epoch, 2);
    assert.equal(b.optimizer?.iterations, 6);
    assert.deepEqual(b.random.getState(), a.random.getState());
    // One more epoch on each: shuffle, dropout and Adam all depend on the restored state.
    await a.fit(x, y, { epochs: 3, initialEpoch: 2, batchSize: 8, verbose: 0 });
    await b.fit(x, y, { epochs: 3, initialEpoch: 2, batchSize: 8, verbose: 0 });
    assert.deepEqual(b.getWeights().map((t) => t.data), a.getWeights().map((t) => t.data));
  });

  test('SGD with momentum keeps its momentum slot; an uncompiled model loads uncompiled', () => {
    const model = tinyModel(1, false);
    model.compile({ optimizer: new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), loss: 'sparse_categorical_crossentropy' });
    const { x, y } = data(4, 2);
    model.trainStep(x.data, y, 4);
    const names = modelFileContent(model).tensors.map((t) => t.name);
    assert.ok(names.includes('optimizer/sgd/momentum/dense/kernel'), names.join(', '));
    const loaded = decodeModel(encodeModel(model), { backend: 'reference' }).model;
    assert.deepEqual(loaded.optimizer?.getConfig(), { name: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true });
    assert.deepEqual(loaded.optimizer?.getSlots(loaded.weights()[0]), model.optimizer?.getSlots(model.weights()[0]));
    const bare = decodeModel(encodeModel(tinyModel(1, false)), { backend: 'reference' }).model;
    assert.equal(bare.optimizer, undefined);
  });

  test('a model built by fit (no inputShape), a float64 model, and includeOptimizer: false', () => {
    const lazy = new Sequential([layers.flatten(), layers.dense({ units: 2, activation: 'softmax' })], { backend: 'reference', seed: 3 });
    lazy.build([4, 4, 1]);
    assert.deepEqual(decodeModel(encodeModel(lazy), { backend: 'reference' }).model.inputShape, [4, 4, 1]);

    const wide = new Sequential([layers.dense({ units: 2, inputShape: [3] })], { backend: 'reference', seed: 3, dtype: 'float64' });
    const loaded = decodeModel(encodeModel(wide), { backend: 'reference' }).model;
    assert.equal(loaded.dtype, 'float64');
    assert.ok(loaded.weights()[0].value instanceof Float64Array);
    assert.deepEqual(loaded.getWeights().map((t) => t.data), wide.getWeights().map((t) => t.data));

    const trained = tinyModel();
    const { x, y } = data(4, 2);
    trained.trainStep(x.data, y, 4);
    const names = modelFileContent(trained, { includeOptimizer: false }).tensors.map((t) => t.name);
    assert.deepEqual(names, ['conv2d/kernel', 'conv2d/bias', 'dense/kernel', 'dense/bias']);
  });

  test('a layer named "optimizer" keeps its weights apart from the optimizer slots', () => {
    const model = new Sequential([layers.dense({ units: 2, inputShape: [3], name: 'optimizer', activation: 'softmax' })], { backend: 'reference', seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    model.trainStep(new Float32Array([1, 2, 3]), Int32Array.from([1]), 1);
    const loaded = decodeModel(encodeModel(model), { backend: 'reference' }).model;
    assert.deepEqual(loaded.getWeights().map((t) => t.data), model.getWeights().map((t) => t.data));
    assert.deepEqual(loaded.optimizer?.getSlots(loaded.weights()[1]), model.optimizer?.getSlots(model.weights()[1]));
  });

  test('saveModel() refuses a model that loading would refuse, before writing anything', () => {
    // Layer constructors refuse such names now; a name changed after construction must still be caught by saveModel().
    const slashed = new Sequential([layers.dense({ units: 2, inputShape: [3], name: 'ab' })], { backend: 'reference', seed: 1 });
    slashed.layers[0].name = 'a/b';
    assert.throws(() => encodeModel(slashed), /saveModel\(\): layer name "a\/b" cannot be saved/);
    const custom = tinyModel();
    Object.defineProperty(custom.layers[2], 'className', { value: 'MyLayer' });
    assert.throws(() => encodeModel(custom), (e: unknown) => e instanceof ModelFileError && /saveModel\(\): layer "flatten" is a MyLayer, which model files cannot hold/.test(e.message));
  });

  test('caller metadata is kept as strings; convkit keys cannot be overridden', async () => {
    const model = tinyModel();
    const { metadata } = decodeModel(encodeModel(model, { metadata: { recipe: '{"epochs":4}' } }), { backend: 'reference' });
    assert.equal(metadata.get('recipe'), '{"epochs":4}');
    assert.throws(() => encodeModel(model, { metadata: { architecture: 'x' } }), (e: unknown) => e instanceof ConfigError && /metadata key "architecture" is reserved/.test(e.message));
    await assert.rejects(loadModelFile('/nonexistent/m.safetensors'), (e: unknown) =>
      e instanceof ModelFileError && /^Cannot read the model file: ENOENT: .*\/nonexistent\/m\.safetensors/.test(e.message) && (e.cause as NodeJS.ErrnoException).code === 'ENOENT');
  });
});

describe('refused model files', () => {
  test('a safetensors file that is not a convkit model, or from a newer format version', () => {
    refused(encodeSafetensors([{ name: 'w', shape: [1], data: new Float32Array(1) }], { format: 'pt' }), /is not a convkit model file: its metadata "format" is "pt"/);
    refused(tampered(tinyModel(), ({ metadata }) => { metadata.format_version = '2'; }), /format_version "2"; this convkit reads version 1/);
    refused(tampered(tinyModel(), ({ metadata }) => { delete (metadata as Partial<typeof metadata>).architecture; }), /metadata "architecture" is missing/);
  });

  test('a layer type outside convkit\'s allowlist', () => {
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[2] = { className: 'Lambda', config: { name: 'l', function: 'require("child_process")' } }; }),
      /layer 2: layer type "Lambda" is not one convkit loads; allowed: Conv2D, MaxPooling2D, Flatten, Dense, Dropout/);
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[2] = { className: 'constructor', config: {} }; }), /layer type "constructor" is not one convkit loads/);
  });

  test('layer configs with unknown keys or values the layer itself rejects', () => {
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[0].config.kernelInitializer = 'x'; }), /layer 0: Conv2D has no config key "kernelInitializer"/);
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[0].config.filters = -2; }), /layer 0: Conv2D expects filters to be a positive integer .* received -2/);
    // The layer's own ConfigError is kept as the cause of the file's ModelFileError.
    assert.throws(() => decodeModel(editArchitecture(tinyModel(), (spec) => { spec.layers[0].config.filters = -2; }), { source: 'm.safetensors' }),
      (e: unknown) => e instanceof ModelFileError && e.cause instanceof ConfigError && /^Conv2D expects filters/.test(e.cause.message));
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[4].config.activation = 'eval'; }), /layer 4: Dense got an unknown activation "eval"/);
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[4].config.useBias = 'yes'; }), /Dense "dense" expects useBias to be true or false; received "yes"/);
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[4].config.name = '../../etc'; }), /a Dense layer needs a name of letters, digits/);
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[3].config.rate = 1; }), /layer 3: Dropout expects rate to be a number in \[0, 1\)/);
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[2].config.inputShape = [4]; }), /only the first layer of a Sequential model may/);
    refused(editArchitecture(tinyModel(), (spec) => { spec.extra = 1; }), /the architecture must be an object with the keys name, dtype, inputShape, layers/);
    refused(tampered(tinyModel(), ({ metadata }) => { metadata.architecture = metadata.architecture.replace('{"name":"tiny",', '{"name":"tiny","name":"x",'); }), /the architecture has the key "name" twice/);
  });

  test('an architecture that would allocate more weights than the file holds is refused before building', () => {
    // 2^30 units x 8 inputs would be gigabytes (twice: values and gradients); the file holds 27 values for the layer.
    refused(editArchitecture(tinyModel(), (spec) => { spec.layers[4].config.units = 2 ** 30; }), /weight "dense\/kernel" has shape \[8, 3\] in the file; the architecture needs \[8, 1073741824\]/);
    refused(editArchitecture(tinyModel(), (spec) => { spec.inputShape = [6, 6, 2 ** 40]; spec.layers[0].config.inputShape = [6, 6, 2 ** 40]; }), /weight "conv2d\/kernel" has shape \[3, 3, 1, 2\] in the file; the architecture needs \[3, 3, 1099511627776, 2\]/);
  });

  test('missing, unexpected or misshapen weights', () => {
    refused(tampered(tinyModel(), ({ tensors }) => { tensors.splice(1, 1); }), /missing weight "conv2d\/bias" of shape \[2\] that the architecture needs/);
    refused(tampered(tinyModel(), ({ tensors }) => { tensors.push({ name: 'dense_9/kernel', shape: [1], data: new Float32Array(1) }); }), /unexpected tensor\(s\) "dense_9\/kernel"; the architecture has weights conv2d\/kernel, conv2d\/bias, dense\/kernel, dense\/bias/);
    refused(tampered(tinyModel(), ({ tensors }) => { tensors[2] = { name: 'dense/kernel', shape: [3, 8], data: tensors[2].data }; }), /weight "dense\/kernel" has shape \[3, 8\] in the file; the architecture needs \[8, 3\]/);
    refused(tampered(tinyModel(), ({ tensors }) => { tensors[3] = { name: 'dense/bias', shape: [3], data: new Float64Array(3) }; }), /weight "dense\/bias" is stored as Float64Array; a float32 model needs Float32Array \(F32\)/);
  });

  test('optimizer state that does not belong to the model', async () => {
    const trained = tinyModel();
    const { x, y } = data(4, 2);
    trained.trainStep(x.data, y, 4);
    refused(tampered(trained, ({ tensors }) => { tensors.push({ name: 'optimizer/adam/z/dense/bias', shape: [3], data: new Float32Array(3) }); }), /unexpected optimizer tensor\(s\) "optimizer\/adam\/z\/dense\/bias"/);
    refused(tampered(trained, ({ tensors }) => { tensors.splice(tensors.findIndex((t) => t.name === 'optimizer/adam/v/dense/bias'), 1); }), /incomplete optimizer state: missing "optimizer\/adam\/v\/dense\/bias"/);
    refused(tampered(trained, ({ metadata }) => { delete (metadata as Partial<typeof metadata>).training_config; }), /optimizer state but no training_config/);
    refused(tampered(trained, ({ metadata }) => { delete (metadata as Partial<typeof metadata>).optimizer_iterations; }), /optimizer slots but no "optimizer_iterations"/);
    refused(tampered(trained, ({ tensors }) => {
      const i = tensors.findIndex((t) => t.name === 'optimizer/adam/m/dense/bias');
      tensors[i] = { name: tensors[i].name, shape: [1, 3], data: tensors[i].data };
    }), /optimizer tensor "optimizer\/adam\/m\/dense\/bias" has shape \[1, 3\] of Float32Array; expected \[3\]/);
  });

  test('training config, generator state and epoch of the wrong kind', () => {
    const model = tinyModel();
    const setTraining = (edit: (config: Record<string, any>) => void) => tampered(model, ({ metadata }) => {
      const config = JSON.parse(metadata.training_config);
      edit(config);
      metadata.training_config = JSON.stringify(config);
    });
    refused(setTraining((c) => { c.optimizer.name = 'evil'; }), /optimizer "evil" is not one convkit loads; allowed: adam, sgd, rmsprop/);
    refused(setTraining((c) => { c.optimizer.beta1 = '0.9'; }), /optimizer adam expects beta1 in \[0, 1\); received "0.9"/);
    refused(setTraining((c) => { c.optimizer.hook = 1; }), /optimizer adam has no option "hook"/);
    refused(setTraining((c) => { c.loss = 'msee'; }), /unknown loss "msee"/);
    refused(tampered(model, ({ metadata }) => { metadata.rng_state = '[0,0,0,0]'; }), /"rng_state" must be 4 unsigned 32-bit integers, not all zero/);
    refused(tampered(model, ({ metadata }) => { metadata.epoch = '2.5'; }), /metadata "epoch" must be a non-negative integer; received "2.5"/);
    refused(tampered(model, ({ metadata }) => { metadata.seed = '1e3'; }), /metadata "seed" must be an integer; received "1e3"/);
  });

  test('the strict safetensors reader sits underneath: a truncated model file is refused', () => {
    const bytes = encodeModel(tinyModel());
    refused(bytes.subarray(0, bytes.length - 4), /is not a valid safetensors file: tensor "dense\/bias" ends at byte \d+, past the end of the data/);
  });
});

describe('non-finite values', () => {
  test('a weight with NaN or Infinity is refused, naming the tensor and the first bad index', () => {
    refused(tampered(tinyModel(), ({ tensors }) => { tensors[0] = { ...tensors[0], data: new Float32Array(tensors[0].data.length).fill(NaN) }; }),
      /weight "conv2d\/kernel" holds NaN at index 0 \(of 18\)/);
    refused(tampered(tinyModel(), ({ tensors }) => { const data = tensors[2].data.slice(); data[5] = -Infinity; tensors[2] = { ...tensors[2], data }; }),
      /weight "dense\/kernel" holds -Infinity at index 5 .*allowNonFinite: true/);
  });

  test('optimizer state with NaN is refused: a resumed run would spread it into the weights', () => {
    const trained = tinyModel();
    const { x, y } = data(4, 2);
    trained.trainStep(x.data, y, 4);
    refused(tampered(trained, ({ tensors }) => {
      const i = tensors.findIndex((t) => t.name === 'optimizer/adam/v/conv2d/kernel');
      const slot = tensors[i].data.slice();
      slot[3] = NaN;
      tensors[i] = { ...tensors[i], data: slot };
    }), /optimizer tensor "optimizer\/adam\/v\/conv2d\/kernel" holds NaN at index 3/);
  });

  test('{ allowNonFinite: true } loads them for whoever really wants them', () => {
    const bytes = tampered(tinyModel(), ({ tensors }) => { tensors[0] = { ...tensors[0], data: new Float32Array(18).fill(NaN) }; });
    const { model } = decodeModel(bytes, { allowNonFinite: true });
    assert.ok(Number.isNaN(model.weights()[0].value[0]));
  });

  test('saveModel() refuses a model with a non-finite weight unless allowNonFinite is set', async () => {
    const model = tinyModel();
    model.weights()[3].value[1] = NaN;
    assert.throws(() => encodeModel(model), (error: unknown) => error instanceof ModelFileError && /weight "dense\/bias" holds NaN at index 1/.test(error.message));
    const dir = await mkdtemp(join(tmpdir(), 'convkit-nonfinite-'));
    try {
      await assert.rejects(saveModel(model, join(dir, 'm.safetensors')), /holds NaN at index 1 \(of 3\); a diverged model is not saved/);
      assert.deepEqual(await readdir(dir), []);
      await saveModel(model, join(dir, 'm.safetensors'), { allowNonFinite: true });
      assert.ok(Number.isNaN((await loadModel(join(dir, 'm.safetensors'), { allowNonFinite: true })).weights()[3].value[1]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('atomic save', () => {
  test('a failed save leaves the previous file intact and no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convkit-'));
    try {
      const path = join(dir, 'model.safetensors');
      const first = tinyModel(1);
      await saveModel(first, path);
      // A directory in the way makes the final rename fail after all bytes were written and synced.
      const blocked = join(dir, 'blocked.safetensors');
      await rm(blocked, { force: true });
      const { mkdir, writeFile } = await import('node:fs/promises');
      await mkdir(blocked);
      await writeFile(join(blocked, 'keep'), 'x');
      await assert.rejects(saveModel(tinyModel(2), blocked));
      await assert.rejects(saveModel(tinyModel(2), join(dir, 'missing-folder', 'm.safetensors')), /ENOENT/);
      assert.deepEqual((await readdir(dir)).sort(), ['blocked.safetensors', 'model.safetensors']);
      const reloaded = await loadModel(path, { backend: 'reference' });
      assert.deepEqual(reloaded.getWeights().map((t) => t.data), first.getWeights().map((t) => t.data));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a file of another known kind given to the model-file loader', () => {
  test('is named, with what reads it, instead of a safetensors parse error', async () => {
    const { exportTfjs } = await import('../../src/io/tfjs-export.js');
    const { exportOnnx } = await import('../../src/io/onnx-export.js');
    const { encodePng } = await import('../../src/apps/image/png-write.js');
    const { writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp(join(tmpdir(), 'convkit-kind-'));
    try {
      const model = tinyModel();
      const modelJson = await exportTfjs(model, join(dir, 'tfjs'));
      const onnx = await exportOnnx(model, join(dir, 'onnx'));
      const png = join(dir, 'digit.png');
      await writeFile(png, encodePng({ width: 2, height: 2, data: new Uint8Array(4) }, { colour: 'grey' }));
      const h5 = join(dir, 'model.h5');
      await writeFile(h5, Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
      const idx = join(dir, 'images-idx3-ubyte');
      const { encodeIdx } = await import('../../src/data/idx.js');
      await writeFile(idx, encodeIdx({ type: 'uint8', shape: [1, 2, 2], data: new Uint8Array(4) }));
      const keras = join(dir, 'model.keras');
      const zipHeader = Buffer.alloc(30 + 13);
      zipHeader.writeUInt32LE(0x04034b50, 0);
      zipHeader.writeUInt16LE(13, 26);
      zipHeader.write('metadata.json', 30, 'latin1');
      await writeFile(keras, zipHeader);
      const cases: [string, RegExp][] = [
        [idx, /images-idx3-ubyte is an IDX array file \(MNIST format\), not a convkit model file \(\.safetensors\): read it with readIdxFile\(\)/],
        [keras, /model\.keras is a Keras model archive \(\.keras\), not a convkit model file \(\.safetensors\): convkit does not read \.keras archives/],
        [modelJson, /model\.json is a TF\.js layers model \(model\.json\), not a convkit model file \(\.safetensors\): read it with loadTfjsModel\(\)/],
        [onnx, /model\.onnx is an ONNX model, not a convkit model file \(\.safetensors\): convkit writes ONNX .* but does not read it/],
        [png, /digit\.png is a PNG image, not a convkit model file \(\.safetensors\): convkit predict reads PNG images/],
        [h5, /model\.h5 is a Keras HDF5 model \(\.h5\), not a convkit model file \(\.safetensors\): convkit does not read HDF5; .*save_keras_model/],
      ];
      for (const [path, message] of cases) {
        await assert.rejects(loadModel(path), (e: unknown) => e instanceof ModelFileError && message.test(e.message) && !/header length/.test(e.message), path);
      }
      // decodeModel on bytes refuses the same way, naming its source.
      const { readFile } = await import('node:fs/promises');
      assert.throws(() => decodeModel(new Uint8Array(Buffer.from(JSON.stringify({ modelTopology: {} }))), { source: 'upload' }), /^ModelFileError: upload is a TF\.js layers model/);
      assert.ok((await readFile(onnx)).length > 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
