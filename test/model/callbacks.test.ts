/**
 * fit() callbacks with Keras semantics: EarlyStopping, ModelCheckpoint (path
 * templates, save-best-only, never a NaN checkpoint), TerminateOnNaN (epoch
 * and step of the first bad loss) and CSVLogger (atomic rewrite or append).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, CSVLogger, EarlyStopping, ModelCheckpoint, Sequential, TerminateOnNaN, Tensor, layers, loadModelFile, type Callback, type Logs } from '../../src/index.js';
import { PathTemplate } from '../../src/model/callbacks/path-template.js';
import { Random } from '../../src/core/random.js';

function tinyModel(seed = 5): Sequential {
  const model = new Sequential([
    layers.flatten({ inputShape: [4, 4, 1] }),
    layers.dense({ units: 6, activation: 'relu' }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend: 'reference', seed });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

function data(count: number, seed = 1): { x: Tensor; y: Int32Array } {
  const random = new Random(seed);
  return { x: new Tensor(new Float32Array(count * 16).map(() => random.next()), [count, 4, 4, 1]), y: Int32Array.from({ length: count }, () => random.int(3)) };
}

async function withFolder(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-callbacks-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a callback over scripted epoch logs, as fit() would call it; returns the epoch at which it stopped training, or -1. */
async function script(callback: Callback, model: Sequential, series: Logs[], beforeEpochEnd?: (epoch: number) => void): Promise<number> {
  model.stopTraining = false;
  callback.setModel?.(model);
  await callback.onTrainBegin?.({});
  let stopped = -1;
  for (let epoch = 0; epoch < series.length && !model.stopTraining; epoch++) {
    beforeEpochEnd?.(epoch);
    await callback.onEpochEnd?.(epoch, series[epoch]);
    if (model.stopTraining) stopped = epoch;
  }
  await callback.onTrainEnd?.({});
  return stopped;
}

const losses = (...values: number[]): Logs[] => values.map((v) => ({ loss: v, val_loss: v }));

describe('EarlyStopping', () => {
  test('stops once patience epochs pass without improvement (Keras counting)', async () => {
    const stop = new EarlyStopping({ patience: 2 });
    assert.equal(await script(stop, tinyModel(), losses(1.0, 0.9, 0.95, 0.96, 0.97, 0.5)), 3);
    assert.equal(stop.best, 0.9);
    assert.equal(stop.bestEpoch, 1);
    assert.equal(stop.stoppedEpoch, 3);
  });

  test('a change within minDelta is not an improvement; a steady improvement never stops', async () => {
    assert.equal(await script(new EarlyStopping({ minDelta: 0.05, patience: 1 }), tinyModel(), losses(1.0, 0.99, 0.98)), 1);
    assert.equal(await script(new EarlyStopping({ patience: 0 }), tinyModel(), losses(5, 4, 3, 2, 1)), -1);
  });

  test("mode 'auto' maximises accuracy-like quantities; 'min'/'max' override it", async () => {
    const rising = [0.5, 0.6, 0.7, 0.65].map((v) => ({ loss: 1, val_accuracy: v }));
    const auto = new EarlyStopping({ monitor: 'val_accuracy', patience: 0 });
    assert.equal(auto.mode, 'max');
    assert.equal(await script(auto, tinyModel(), rising), 3);
    assert.equal(await script(new EarlyStopping({ monitor: 'val_accuracy', mode: 'min', patience: 0 }), tinyModel(), rising), 1);
  });

  test('a NaN value is never the best', async () => {
    const stop = new EarlyStopping({ patience: 2 });
    assert.equal(await script(stop, tinyModel(), losses(1.0, NaN, 0.9, NaN, NaN)), 4);
    assert.equal(stop.best, 0.9);
  });

  test('baseline: patience resets only after the run beats it', async () => {
    // Improvements above the baseline still count toward patience, so the first stall stops the run.
    assert.equal(await script(new EarlyStopping({ patience: 2, baseline: 0.5 }), tinyModel(), losses(0.9, 0.8, 0.85)), 2);
    assert.equal(await script(new EarlyStopping({ patience: 2 }), tinyModel(), losses(0.9, 0.8, 0.85)), -1);
  });

  test('restoreBestWeights puts back the weights of the best epoch', async () => {
    const model = tinyModel();
    const stamp = (epoch: number) => model.weights()[0].value.fill(epoch);
    await script(new EarlyStopping({ patience: 1, restoreBestWeights: true }), model, losses(1.0, 0.5, 0.7, 0.8), stamp);
    assert.ok(model.weights()[0].value.every((v) => v === 1), 'the weights of epoch 1 (the best) are back');
  });

  test('inside fit(): stops training early and History shows the epochs that ran', async () => {
    const { x, y } = data(24);
    const model = tinyModel();
    // An improvement of 100 is impossible: training stops after epoch index 1 (Keras never stops at epoch 0).
    const history = await model.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, callbacks: [new EarlyStopping({ monitor: 'loss', minDelta: 100 })] });
    assert.deepEqual(history.epoch, [0, 1]);
  });

  test('a monitored quantity that fit() does not report is an error that says how to get it', async () => {
    const { x, y } = data(8);
    await assert.rejects(tinyModel().fit(x, y, { epochs: 2, verbose: 0, callbacks: [new EarlyStopping()] }),
      /EarlyStopping monitors 'val_loss', which fit\(\) does not report; available: loss, accuracy\. Pass validationSplit or validationData/);
  });

  test('bad options are refused', () => {
    assert.throws(() => new EarlyStopping({ patience: -1 }), (e: unknown) => e instanceof ConfigError && /EarlyStopping expects patience to be a non-negative integer; received -1/.test(e.message));
    assert.throws(() => new EarlyStopping({ mode: 'up' as never }), /expects mode to be 'auto', 'min' or 'max'; received "up"/);
    assert.throws(() => new EarlyStopping({ minDelta: NaN }), /minDelta/);
  });
});

describe('checkpoint path templates', () => {
  test('Python format fields as Keras users write them', () => {
    const template = new PathTemplate('run/ckpt-{epoch:02d}-{val_loss:.4f}-{loss}-{epoch:3d}.safetensors');
    assert.deepEqual(template.names, ['epoch', 'val_loss', 'loss', 'epoch']);
    assert.equal(template.format({ epoch: 3, val_loss: 0.123456, loss: 0.5 }), 'run/ckpt-03-0.1235-0.5-  3.safetensors');
    assert.equal(new PathTemplate('{epoch:03d}|{x:f}|{y:08.3f}').format({ epoch: 12, x: 1.5, y: -2.5 }), '012|1.500000|-002.500');
  });

  test('a field it cannot format is refused at creation; a missing value at format time', () => {
    assert.throws(() => new PathTemplate('ckpt-{epoch:x}.safetensors'), /cannot read the field "\{epoch:x\}"; write \{name\} or \{name:spec\}/);
    assert.throws(() => new PathTemplate('ckpt-{val_loss:.4}.safetensors'), /cannot read the field/);
    assert.throws(() => new PathTemplate('ckpt-{}.safetensors'), /cannot read the field "\{\}"/);
    assert.throws(() => new PathTemplate('ckpt-{epoch.safetensors'), /unmatched '\{' or '\}'/);
    assert.throws(() => new PathTemplate('ckpt-{val_acc}.st').format({ epoch: 1, loss: 2 }), /uses \{val_acc\}, which the epoch logs do not have; available: epoch, loss/);
  });
});

describe('ModelCheckpoint', () => {
  test('saves a resumable checkpoint every epoch, named from the template', () => withFolder(async (dir) => {
    const { x, y } = data(16);
    const model = tinyModel();
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [new ModelCheckpoint(join(dir, 'ckpt-{epoch:02d}-{loss:.3f}.safetensors'), { metadata: { run: 'a' } })] });
    const files = (await readdir(dir)).sort();
    assert.equal(files.length, 3);
    assert.match(files[0], /^ckpt-01-\d\.\d{3}\.safetensors$/);
    const last = await loadModelFile(join(dir, files[2]), { backend: 'reference' });
    assert.equal(last.epoch, 3);
    assert.equal(last.metadata.get('run'), 'a');
    assert.equal(last.model.optimizer?.iterations, 6);
    assert.deepEqual(last.model.getWeights().map((t) => t.data), model.getWeights().map((t) => t.data));
  }));

  test('saveBestOnly writes only when the monitored value improves', () => withFolder(async (dir) => {
    const model = tinyModel();
    const checkpoint = new ModelCheckpoint(join(dir, 'best-{epoch}.safetensors'), { saveBestOnly: true, log: () => {} });
    await script(checkpoint, model, losses(1.0, 0.8, 0.9, 0.7, 0.75));
    assert.deepEqual((await readdir(dir)).sort(), ['best-1.safetensors', 'best-2.safetensors', 'best-4.safetensors']);
    assert.equal(checkpoint.best, 0.7);
    await assert.rejects(script(new ModelCheckpoint(join(dir, 'x.safetensors'), { saveBestOnly: true }), model, [{ loss: 1 }]), /ModelCheckpoint monitors 'val_loss', which fit\(\) does not report/);
  }));
});

describe('a run that diverges', () => {
  /** Turns the output layer's kernel into NaN after step 2 of epoch 2, as a blown-up update would. */
  function poisonAt(epochToPoison: number, stepToPoison: number): Callback {
    let model: Sequential;
    let epoch = 0;
    return {
      setModel: (m) => { model = m; },
      onEpochBegin: (e) => { epoch = e; },
      onBatchEnd: (step) => { if (epoch === epochToPoison && step === stepToPoison) model.weights()[2].value.fill(NaN); },
    };
  }

  test('TerminateOnNaN stops at the first bad batch and names its epoch and step; the checkpoint keeps the last good epoch', () => withFolder(async (dir) => {
    const { x, y } = data(40);
    const model = tinyModel();
    const lines: string[] = [];
    const terminate = new TerminateOnNaN({ log: (line) => lines.push(line) });
    const path = join(dir, 'ckpt.safetensors');
    const checkpoint = new ModelCheckpoint(path, { log: (line) => lines.push(line) });
    const history = await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [poisonAt(1, 1), terminate, checkpoint] });
    assert.deepEqual(terminate.stoppedAt?.epoch, 1);
    assert.deepEqual(terminate.stoppedAt?.step, 2);
    assert.ok(Number.isNaN(terminate.stoppedAt?.loss));
    assert.match(lines[0], /^Epoch 2, step 3: the loss is NaN; terminating training\./);
    assert.match(lines[1], /ModelCheckpoint: epoch 2 has a non-finite loss or weights; not saved, .*ckpt\.safetensors is kept/);
    assert.deepEqual(history.epoch, [0, 1]);
    const saved = await loadModelFile(path, { backend: 'reference' });
    assert.equal(saved.epoch, 1);
    assert.ok(saved.model.weights().every((w) => w.value.every(Number.isFinite)));
  }));

  test('TerminateOnNaN also stops at the end of an epoch whose weights went NaN behind a ReLU, with a finite loss', async () => {
    const { x, y } = data(40);
    const model = tinyModel();
    const lines: string[] = [];
    const terminate = new TerminateOnNaN({ log: (line) => lines.push(line) });
    const hidden: Callback = {
      onBatchEnd: (step) => { if (step === 1 && !model.weights()[0].value.some(Number.isNaN)) model.weights()[0].value.fill(NaN); },
    };
    const history = await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [hidden, terminate] });
    // ReLU maps the NaN pre-activations to 0: the loss stays finite, so only the weights tell.
    assert.ok(history.history.loss.every(Number.isFinite));
    assert.deepEqual(history.epoch, [0]);
    assert.equal(terminate.stoppedAt?.epoch, 0);
    assert.deepEqual(terminate.stoppedAt?.weight, { name: 'dense/kernel', index: 0, value: NaN });
    assert.match(lines[0], /^Epoch 1: weight "dense\/kernel" holds NaN at index 0; terminating training\./);
  });

  test('an infinite loss stops training too', async () => {
    const model = tinyModel();
    model.stopTraining = false;
    const terminate = new TerminateOnNaN({ log: () => {} });
    terminate.setModel(model);
    terminate.onTrainBegin();
    terminate.onEpochBegin(4);
    terminate.onBatchEnd(0, { loss: 1 });
    assert.equal(model.stopTraining, false);
    terminate.onBatchEnd(1, { loss: Infinity });
    assert.equal(model.stopTraining, true);
    assert.deepEqual(terminate.stoppedAt, { epoch: 4, step: 1, loss: Infinity });
  });
});

describe('CSVLogger', () => {
  test('writes a header and one row per epoch that read back as the logged numbers', () => withFolder(async (dir) => {
    const { x, y } = data(20);
    const path = join(dir, 'log.csv');
    const history = await tinyModel().fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, validationSplit: 0.2, callbacks: [new CSVLogger(path)] });
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    assert.equal(lines[0], 'epoch,accuracy,loss,val_accuracy,val_loss');
    assert.equal(lines.length, 3);
    const row = lines[2].split(',').map(Number);
    assert.deepEqual(row, [1, history.history.accuracy[1], history.history.loss[1], history.history.val_accuracy[1], history.history.val_loss[1]]);
    assert.deepEqual((await readdir(dir)), ['log.csv']); // no temporary file left by the atomic rewrites
  }));

  test('append continues a previous log; a log of other columns is refused; without append the file is replaced', () => withFolder(async (dir) => {
    const { x, y } = data(16);
    const path = join(dir, 'log.csv');
    const model = tinyModel();
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [new CSVLogger(path, { append: true })] });
    await model.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0, callbacks: [new CSVLogger(path, { append: true, separator: ',' })] });
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => l.split(',')[0]), ['epoch', '0', '1', '2', '3']);

    await writeFile(path, 'epoch;loss\n0;1\n');
    await assert.rejects(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new CSVLogger(path, { append: true })] }),
      /has the columns "epoch;loss", but this run logs "epoch,accuracy,loss"/);
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new CSVLogger(path, { separator: ';' })] });
    assert.match(await readFile(path, 'utf8'), /^epoch;accuracy;loss\n0;[\d.e-]+;[\d.e-]+\n$/);
    assert.throws(() => new CSVLogger(path, { separator: '"' }), /separator to be one character other than a quote or newline/);
  }));
});

describe('callback options of the wrong kind', () => {
  test('EarlyStopping patience and startFromEpoch are counts of epochs; ModelCheckpoint and CSVLogger flags are booleans', () => {
    assert.throws(() => new EarlyStopping({ patience: 1.5 }), (e: unknown) => e instanceof ConfigError && /EarlyStopping expects patience to be a non-negative integer; received 1\.5\./.test(e.message));
    assert.throws(() => new EarlyStopping({ startFromEpoch: NaN }), /EarlyStopping expects startFromEpoch to be a non-negative integer; received NaN\./);
    assert.throws(() => new EarlyStopping({ restoreBestWeights: 'true' as unknown as boolean }), /EarlyStopping expects restoreBestWeights to be true or false; received "true"\./);
    assert.throws(() => new ModelCheckpoint('m.safetensors', { saveBestOnly: 1 as unknown as boolean }), /ModelCheckpoint expects saveBestOnly to be true or false; received 1\./);
    assert.throws(() => new ModelCheckpoint('m.safetensors', { includeOptimizer: 'no' as unknown as boolean }), /ModelCheckpoint expects includeOptimizer to be true or false; received "no"\./);
    assert.throws(() => new CSVLogger('log.csv', { append: 'yes' as unknown as boolean }), /CSVLogger expects append to be true or false; received "yes"\./);
  });
});

test("mode 'auto' maximises precision and recall, as Keras 3 reads their direction", async () => {
  const { EarlyStopping, ModelCheckpoint } = await import('../../src/index.js');
  assert.equal(new EarlyStopping({ monitor: 'val_precision' }).mode, 'max');
  assert.equal(new ModelCheckpoint('m.safetensors', { monitor: 'recall' }).mode, 'max');
  assert.equal(new EarlyStopping({ monitor: 'val_mean_squared_error' }).mode, 'min');
});
