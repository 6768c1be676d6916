/**
 * Model files from the command line, run as a user runs it: train --save,
 * --checkpoint and --resume (byte-identical to an uninterrupted run),
 * predict --model, evaluate --model-file, and clear errors for bad files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModelFile } from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
// Small and on the reference backend, so each run takes a second or two and is exactly repeatable.
const small = ['--model', 'dense', '--backend', 'reference', '--train-limit', '300', '--test-limit', '50', '--verbose', '0'];

function run(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('train --save/--checkpoint, then --resume from epoch 2 of 4, then predict and evaluate the saved model', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-cli-'));
  try {
    const full = run(dir, 'train', ...small, '--epochs', '4', '--save', 'full.safetensors', '--checkpoint', 'ckpt-{epoch:02d}.safetensors');
    assert.equal(full.status, 0, full.stderr);
    assert.match(full.stdout, /Saved full\.safetensors \(4 epochs/);
    assert.deepEqual((await readdir(dir)).sort(), ['ckpt-01.safetensors', 'ckpt-02.safetensors', 'ckpt-03.safetensors', 'ckpt-04.safetensors', 'full.safetensors']);

    // The checkpoint records the run: no recipe options are repeated here.
    const resumed = run(dir, 'train', '--backend', 'reference', '--train-limit', '300', '--test-limit', '50', '--verbose', '0', '--resume', 'ckpt-02.safetensors', '--save', 'resumed.safetensors');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /Resuming from ckpt-02\.safetensors: 2 of 4 epochs done/);
    assert.deepEqual(await readFile(join(dir, 'resumed.safetensors')), await readFile(join(dir, 'full.safetensors')));

    const done = run(dir, 'train', ...small, '--resume', 'full.safetensors');
    assert.equal(done.status, 1);
    assert.match(done.stderr, /full\.safetensors has already completed 4 of 4 epochs; pass --epochs above 4 to train further/);

    const predicted = run(dir, 'predict', '--model', 'full.safetensors', '--test-limit', '20', '--backend', 'reference');
    assert.equal(predicted.status, 0, predicted.stderr);
    assert.match(predicted.stdout, /Model dense_baseline \(101,770 params\) from full\.safetensors; 20 images/);
    const rows = predicted.stdout.split('\n').filter((line) => /^\s+\d+\s+\d\s+[01]\.\d{4}\s+\d/.test(line));
    assert.equal(rows.length, 20);
    const accuracy = Number(/Accuracy ([\d.]+)% \(\d+ errors of 20\)/.exec(predicted.stdout)?.[1]);
    assert.ok(accuracy > 30, `a model trained on 300 images beats chance (10%): ${accuracy}%`);

    const evaluated = run(dir, 'evaluate', '--model-file', 'full.safetensors', '--test-limit', '50', '--backend', 'reference');
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.match(evaluated.stdout, /^dense_baseline from full\.safetensors: test loss [\d.]+, test accuracy [\d.]+%/);
    assert.match(evaluated.stdout, /Confusion matrix/);
    assert.doesNotMatch(evaluated.stdout, /Epoch|Data: /); // evaluated, not trained
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file that is not a convkit model is refused with a message, not a stack trace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-cli-'));
  try {
    await writeFile(join(dir, 'bad.safetensors'), Buffer.from([1, 2, 3]));
    const bad = run(dir, 'predict', '--model', 'bad.safetensors');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^convkit: bad\.safetensors is not a valid safetensors file: it is 3 bytes long/);
    assert.doesNotMatch(bad.stderr, /at .*\.js:\d+/);
    const notCheckpoint = run(dir, 'train', ...small, '--resume', 'missing.safetensors');
    assert.equal(notCheckpoint.status, 1);
    assert.match(notCheckpoint.stderr, /ENOENT.*missing\.safetensors/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("train --beta2 sets Adam's beta_2 of the run: printed, saved with the optimizer and in the run record, kept on resume; a value outside (0, 1) is refused", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-cli-'));
  try {
    const trained = run(dir, 'train', ...small, '--epochs', '1', '--beta2', '0.95', '--save', 'b.safetensors');
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stdout, /Adam lr 0\.001 \(cosine\), beta_2 0\.95/);
    const { model, metadata } = await loadModelFile(join(dir, 'b.safetensors'), { backend: 'reference' });
    assert.equal(model.optimizer?.getConfig().beta2, 0.95);
    assert.equal(JSON.parse(metadata.get('convkit_cli_run') ?? '{}').beta2, 0.95);

    // A resumed run keeps the checkpoint's optimizer, beta_2 included, and says so if asked for another.
    const resumed = run(dir, 'train', ...small, '--epochs', '2', '--resume', 'b.safetensors');
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, /beta_2 0\.95/);
    const changed = run(dir, 'train', ...small, '--epochs', '2', '--resume', 'b.safetensors', '--beta2', '0.9');
    assert.equal(changed.status, 1);
    assert.match(changed.stderr, /b\.safetensors was trained with Adam beta_2 0\.95, and a resumed run keeps its optimizer; received --beta2 0\.9/);

    // Without the flag the recipe's value applies (the Dense baseline keeps Keras's 0.999).
    const plain = run(dir, 'train', ...small, '--epochs', '1');
    assert.match(plain.stdout, /beta_2 0\.999/);

    for (const bad of ['1', '0', 'x']) {
      const refused = run(dir, 'train', ...small, '--beta2', bad);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, new RegExp(`--beta2 expects a number in \\(0, 1\\); received '${bad}'`));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a checkpoint with NaN in one Adam slot is refused; with --allow-non-finite the run stops when the weights turn NaN, and nothing is saved', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-cli-'));
  try {
    const trained = run(dir, 'train', ...small, '--epochs', '1', '--save', 'c.safetensors');
    assert.equal(trained.status, 0, trained.stderr);
    const { tensors, metadata } = decodeSafetensors(await readFile(join(dir, 'c.safetensors')));
    const slot = tensors.find((t) => t.name === 'optimizer/adam/v/dense/kernel')!;
    slot.data[3] = NaN;
    await writeFile(join(dir, 'nan.safetensors'), encodeSafetensors(tensors, Object.fromEntries(metadata)));

    const refused = run(dir, 'train', ...small, '--epochs', '2', '--resume', 'nan.safetensors', '--save', 'out.safetensors');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^convkit: nan\.safetensors: optimizer tensor "optimizer\/adam\/v\/dense\/kernel" holds NaN at index 3 \(of 100352\)/);

    const forced = run(dir, 'train', ...small, '--epochs', '2', '--resume', 'nan.safetensors', '--save', 'out.safetensors', '--allow-non-finite');
    assert.equal(forced.status, 1, forced.stdout);
    assert.match(forced.stderr, /training diverged \(weight "dense\/kernel" holds NaN at index 3 after epoch 2\); nothing was saved/);
    assert.deepEqual((await readdir(dir)).sort(), ['c.safetensors', 'nan.safetensors']);

    const evaluated = run(dir, 'evaluate', '--model-file', 'nan.safetensors', '--test-limit', '5', '--backend', 'reference');
    assert.equal(evaluated.status, 1);
    assert.match(evaluated.stderr, /holds NaN at index 3 .*Pass \{ allowNonFinite: true \}/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
