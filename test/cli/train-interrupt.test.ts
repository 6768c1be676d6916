/**
 * Ctrl-C during `convkit train`: a child process gets SIGINT mid-training; it
 * stops after the current step, says where, exits 130 and writes no --save
 * file (nor a temporary one) in its folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../bounded-child.js';

test('SIGINT during train stops after the current step, says so, and saves nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-interrupt-'));
  try {
    const save = join(dir, 'model.safetensors');
    const child = spawn(process.execPath, [CLI, 'train', '--model', 'dense', '--train-limit', '2000', '--test-limit', '100', '--epochs', '400', '--verbose', '2', '--save', save], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    // A watchdog: without a working handler the run would end by itself after 400 epochs, which fails the status check.
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // Mid-training: the second epoch has begun.
      if (!signalled && /Epoch 2\/400/.test(stdout)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    clearTimeout(watchdog);
    assert.equal(signalled, true, stdout);
    assert.equal(status, 130, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    assert.match(stderr, /convkit: Ctrl-C: stopping training after the current step \(Ctrl-C again to quit at once\)\./);
    assert.match(stdout, /Interrupted by Ctrl-C at epoch \d+\/400, step \d+\/\d+: not evaluated, nothing saved \(--save .*model\.safetensors was not written\)\./);
    assert.doesNotMatch(stdout, /Test accuracy/);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
