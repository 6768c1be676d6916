/** `convkit report` run as a user runs it: a file that opens offline, and clear refusals. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sequential } from '../../src/index.js';
import { saveModel } from '../../src/io/model-file.js';
import { labCnnLayers } from '../model/small-models.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('convkit report writes one HTML file and says what it holds; a missing model file is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-report-cli-'));
  try {
    await saveModel(new Sequential(labCnnLayers([28, 28, 1]), { backend: 'reference', seed: 2 }), join(dir, 'm.safetensors'));
    const done = run(dir, 'report', '--model-file', 'm.safetensors', '--test-limit', '40', '--backend', 'reference', '--out', 'report.html');
    assert.equal(done.status, 0, done.stderr);
    assert.match(done.stdout, /Confusion matrix on 40 test images: accuracy [\d.]+%; \d+ example images \(at most 12 per cell\)/);
    const { size } = await stat(join(dir, 'report.html'));
    assert.match(done.stdout, new RegExp(`Wrote report\\.html \\(${Math.round(size / 1024)} KiB\\)`));
    assert.match(await readFile(join(dir, 'report.html'), 'utf8'), /^<!doctype html>/);

    const missing = run(dir, 'report', '--model-file', 'nope.safetensors', '--out', 'other.html');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Cannot read the model file: .*nope\.safetensors/);
    await assert.rejects(stat(join(dir, 'other.html')));
    const noOut = run(dir, 'report', '--model-file', 'm.safetensors');
    assert.notEqual(noOut.status, 0);
    assert.match(noOut.stderr, /required option '--out <file>' not specified/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
