/**
 * One way to name a model on every command (src/cli/model-option.ts):
 * --model takes cnn, dense or a file (convkit or TF.js), --model-file is its
 * alias; predict reads PNG images; --version. Run as a user runs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sequential, Tensor, layers, exportTfjs, saveModel } from '../../src/index.js';
import { ConfigError } from '../../src/core/errors.js';
import { encodeIdx } from '../../src/data/idx.js';
import { encodePng } from '../../src/apps/image/png-write.js';
import { modelChoice } from '../../src/cli/model-option.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A small trained-looking model on MNIST-shaped input, saved as convkit and TF.js files in `dir`. */
async function savedModels(dir: string): Promise<Sequential> {
  const model = new Sequential([layers.flatten({ inputShape: [28, 28, 1] }), layers.dense({ units: 10, activation: 'softmax' })], { backend: 'reference', seed: 4, name: 'tiny' });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  await saveModel(model, join(dir, 'm.safetensors'));
  await exportTfjs(model, join(dir, 'web'));
  return model;
}

/** A 28x28 grey PNG whose pixel (x, y) is f(x, y). */
function png(width: number, height: number, f: (x: number, y: number) => number): Buffer {
  return encodePng({ width, height, data: Uint8Array.from({ length: width * height }, (_, i) => f(i % width, Math.floor(i / width))) }, { colour: 'grey' });
}

test('modelChoice: kinds, files, the alias, and what each command refuses', () => {
  assert.deepEqual(modelChoice({}, 'kinds', 'summary'), { kind: 'cnn' });
  assert.deepEqual(modelChoice({ model: 'dense' }, 'kinds', 'summary'), { kind: 'dense' });
  assert.deepEqual(modelChoice({ model: 'm.safetensors' }, 'kinds', 'summary'), { file: 'm.safetensors' });
  assert.deepEqual(modelChoice({ modelFile: 'm.safetensors' }, 'file', 'predict'), { file: 'm.safetensors' });
  // --model-file always names a file, even one called "cnn"; so does ./cnn.
  assert.deepEqual(modelChoice({ modelFile: 'cnn' }, 'kinds', 'evaluate'), { file: 'cnn' });
  assert.deepEqual(modelChoice({ model: 'm', modelFile: 'm' }, 'file', 'predict'), { file: 'm' });
  assert.throws(() => modelChoice({ model: 'a', modelFile: 'b' }, 'file', 'predict'),
    (e: unknown) => e instanceof ConfigError && e.message === '--model and --model-file name the same thing; give one of them (received --model "a" and --model-file "b").');
  assert.throws(() => modelChoice({}, 'file', 'export'),
    (e: unknown) => e instanceof ConfigError && e.message === 'export needs a model: --model FILE, a model file: .safetensors (train --save) or a TF.js model.json (or its folder).');
  assert.throws(() => modelChoice({ model: 'cnn' }, 'file', 'predict'),
    (e: unknown) => e instanceof ConfigError && /^predict runs a trained model file; --model cnn names an untrained architecture\. .*\.\/cnn for a file named "cnn"\.$/.test(e.message));
});

test('--version prints the version of package.json', async () => {
  const { version } = JSON.parse(await readFile(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const result = run(tmpdir(), flag);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
  }
});

test('summary, evaluate, predict, export and inspect take --model FILE (convkit or TF.js), and --model-file as its alias', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-model-option-'));
  try {
    await savedModels(dir);
    for (const model of ['m.safetensors', 'web/model.json', 'web']) {
      const summary = run(dir, 'summary', '--model', model);
      assert.equal(summary.status, 0, summary.stderr);
      assert.match(summary.stdout, /Total params: 7,850/);
      assert.doesNotMatch(summary.stdout, /34,826/); // the lab CNN's note is for the lab CNN only
    }
    for (const flag of ['--model', '--model-file']) {
      const evaluated = run(dir, 'evaluate', flag, 'web/model.json', '--test-limit', '20', '--backend', 'reference');
      assert.equal(evaluated.status, 0, evaluated.stderr);
      assert.match(evaluated.stdout, /tiny from web\/model\.json/);
      const predicted = run(dir, 'predict', flag, 'm.safetensors', '--test-limit', '5', '--backend', 'reference');
      assert.equal(predicted.status, 0, predicted.stderr);
      assert.match(predicted.stdout, /Model tiny \(7,850 params\) from m\.safetensors; 5 images/);
      const inspected = run(dir, 'inspect', flag, 'm.safetensors', '--out', `inspect${flag}`, '--backend', 'reference');
      assert.equal(inspected.status, 0, inspected.stderr);
    }
    // export reads a TF.js model too, by content.
    const exported = run(dir, 'export', '--format', 'onnx', '--model', 'web/model.json', '--out', 'onnx');
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /Exported tiny \(7,850 params\) from web\/model\.json/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('each command refuses a --model it cannot use, saying what it takes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-model-option-'));
  try {
    await savedModels(dir);
    const cases: [string[], RegExp][] = [
      [['summary', '--model', 'resnet'], /^convkit: --model "resnet" is neither a model kind \(cnn, dense\) nor an existing file; --model takes cnn, dense or a model file/],
      [['train', '--model', 'm.safetensors'], /^convkit: train builds a new model of a kind \(--model cnn or --model dense\); to train the saved model "m\.safetensors" further, pass it as --resume/],
      [['predict', '--model', 'dense'], /^convkit: predict runs a trained model file; --model dense names an untrained architecture/],
      [['export', '--format', 'onnx', '--out', 'x'], /^convkit: export needs a model: --model FILE/],
      [['inspect', '--model', 'cnn', '--out', 'x'], /^convkit: inspect runs a trained model file; --model cnn names an untrained architecture/],
      [['malware', 'predict', '--model', 'cnn', 'm.safetensors'], /^convkit: malware predict runs a trained model file; --model cnn names an untrained architecture/],
      [['malware', 'evaluate', '--model-file', 'a', '--model', 'b', '.'], /^convkit: --model and --model-file name the same thing; give one of them/],
      [['evaluate', '--model', 'web/model.json', '--model-file', 'm.safetensors'], /^convkit: --model and --model-file name the same thing/],
    ];
    for (const [args, message] of cases) {
      const result = run(dir, ...args);
      assert.equal(result.status, 1, `${args.join(' ')}: ${result.stdout}`);
      assert.match(result.stderr, message, args.join(' '));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('predict reads PNG images of the model input size, one line each with its file name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-predict-png-'));
  try {
    const model = await savedModels(dir);
    const bar = (x: number) => (x >= 12 && x < 16 ? 255 : 0);
    await writeFile(join(dir, 'bar.png'), png(28, 28, bar));
    await writeFile(join(dir, 'dot.png'), png(28, 28, (x, y) => (x === 14 && y === 14 ? 255 : 0)));
    const result = run(dir, 'predict', '--model', 'm.safetensors', 'bar.png', 'dot.png', '--backend', 'reference');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /from m\.safetensors; 2 PNG images\n/);
    // The same probabilities as the library computes on the same pixels (scaled to [0, 1]).
    const pixels = Float32Array.from({ length: 784 }, (_, i) => bar(i % 28) / 255);
    const probabilities = (await model.predict(new Tensor(pixels, [1, 28, 28, 1]))).data;
    const best = probabilities.indexOf(Math.max(...probabilities));
    assert.match(result.stdout, new RegExp(`\\n    0  +${best}  +${probabilities[best]!.toFixed(4)}  bar\\.png\\n    1  +\\d+  +[\\d.]+  dot\\.png`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('predict refuses a PNG of another size, PNG with --labels, and PNG mixed with IDX, saying why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-predict-png-'));
  try {
    await savedModels(dir);
    await writeFile(join(dir, 'wide.png'), png(32, 20, () => 0));
    await writeFile(join(dir, 'ok.png'), png(28, 28, () => 0));
    await writeFile(join(dir, 'light.png'), png(28, 28, () => 255));
    await writeFile(join(dir, 'images.idx'), encodeIdx({ type: 'uint8', shape: [1, 28, 28], data: new Uint8Array(784) }));
    const cases: [string[], RegExp][] = [
      [['wide.png'], /^convkit: image wide\.png is 32x20 pixels; the model takes 28x28 greyscale images .* predict does not resize: scale and centre the digit to that size first\./],
      [['ok.png', '--labels', 'images.idx'], /^convkit: --labels goes with one IDX image file; PNG images have no label file\./],
      [['ok.png', 'images.idx'], /^convkit: predict takes one IDX image file or any number of PNG images, not both; "images\.idx" is not PNG\./],
      [['images.idx', 'images.idx'], /^convkit: predict takes one IDX image file \(or PNG images\); received 2 IDX files\./],
    ];
    for (const [args, message] of cases) {
      const result = run(dir, 'predict', '--model', 'm.safetensors', '--backend', 'reference', ...args);
      assert.equal(result.status, 1, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
    }
    const light = run(dir, 'predict', '--model', 'm.safetensors', '--backend', 'reference', 'light.png');
    assert.equal(light.status, 0, light.stderr);
    assert.match(light.stderr, /note: light\.png is mostly light \(mean grey 1\.00\); MNIST digits are light on black/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
