/**
 * convkit export from the command line, run as a user runs it: both formats
 * from a saved model, the non-empty folder rule and --force, clear errors, and
 * predict --model model.json printing what the original model file prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Tensor, loadMnist, saveModel } from '../../src/index.js';
import { createDenseBaseline } from '../../src/apps/lab/index.js';
import { maxAbsDiff, TOLERANCE } from '../io/tfjs-onnx-fixtures.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('export --format tfjs|onnx writes files that predict like the model file; folders are not overwritten without --force', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-export-cli-'));
  try {
    const { train } = await loadMnist({ trainLimit: 256, testLimit: 1 });
    const model = createDenseBaseline({ seed: 4, backend: 'reference' });
    await model.fit(new Tensor(train.images, [train.count, 28, 28, 1]), train.labels, { epochs: 1, verbose: 0 });
    await saveModel(model, join(dir, 'm.safetensors'));

    const tfjs = run(dir, 'export', '--format', 'tfjs', '--model', 'm.safetensors', '--out', 'web');
    assert.equal(tfjs.status, 0, tfjs.stderr);
    assert.match(tfjs.stdout, /Exported dense_baseline \(101,770 params\) from m\.safetensors to web\/model\.json and its weights\.bin/);
    assert.deepEqual((await readdir(join(dir, 'web'))).sort(), ['model.json', 'weights.bin']);

    const onnx = run(dir, 'export', '--format', 'onnx', '--model', 'm.safetensors', '--out', 'serve');
    assert.equal(onnx.status, 0, onnx.stderr);
    assert.deepEqual(await readdir(join(dir, 'serve')), ['model.onnx']);
    const session = await ort.InferenceSession.create(join(dir, 'serve', 'model.onnx'));
    const x = new Tensor(train.images.subarray(0, 20 * 784), [20, 28, 28, 1]);
    const result = await session.run({ input: new ort.Tensor('float32', x.data as Float32Array, [20, 28, 28, 1]) });
    assert.ok(maxAbsDiff(result.output.data as Float32Array, (await model.predict(x)).data) <= TOLERANCE);
    await session.release();

    const again = run(dir, 'export', '--format', 'onnx', '--model', 'm.safetensors', '--out', 'serve');
    assert.equal(again.status, 1);
    assert.match(again.stderr, /^convkit: serve is not empty \(model\.onnx\); choose an empty or new folder, or pass --force/);
    assert.doesNotMatch(again.stderr, /\n\s+at /); // a message, not a stack
    assert.equal(run(dir, 'export', '--format', 'onnx', '--model', 'm.safetensors', '--out', 'serve', '--force').status, 0);

    // The TF.js export, imported back, prints exactly what the model file prints (bit-identical weights).
    const fromFile = run(dir, 'predict', '--model', 'm.safetensors', '--test-limit', '15', '--backend', 'reference');
    const fromTfjs = run(dir, 'predict', '--model', 'web/model.json', '--test-limit', '15', '--backend', 'reference');
    assert.equal(fromTfjs.status, 0, fromTfjs.stderr);
    const body = (out: string) => out.split('\n').slice(1).join('\n');
    assert.match(fromTfjs.stdout, /^Model dense_baseline \(101,770 params\) from web\/model\.json; 15 images/);
    assert.equal(body(fromTfjs.stdout), body(fromFile.stdout));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('export refuses a bad format, a missing model and a file that is not a model, with messages', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-export-cli-'));
  try {
    const format = run(dir, 'export', '--format', 'keras', '--model', 'm.safetensors', '--out', 'x');
    assert.equal(format.status, 1);
    assert.match(format.stderr, /argument 'keras' is invalid\. Allowed choices are tfjs, onnx/);
    const missing = run(dir, 'export', '--format', 'onnx', '--model', 'nope.safetensors', '--out', 'x');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^convkit: .*nope\.safetensors/);
    await writeFile(join(dir, 'junk.safetensors'), 'not a model');
    const junk = run(dir, 'export', '--format', 'tfjs', '--model', 'junk.safetensors', '--out', 'x');
    assert.equal(junk.status, 1);
    assert.match(junk.stderr, /^convkit: junk\.safetensors/);
    assert.deepEqual((await readdir(dir)).sort(), ['junk.safetensors']); // nothing written for a refused model
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
