/** `convkit export` refuses a model file holding NaN unless given --allow-non-finite, which then loads and exports it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sequential, layers, saveModel } from '../../src/index.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('convkit export: a NaN model file is refused (exit 1, the weight named), and exported with --allow-non-finite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-cli-export-nan-'));
  try {
    const model = new Sequential([layers.flatten({ inputShape: [2, 2, 1] }), layers.dense({ units: 3, activation: 'softmax' })], { backend: 'reference', seed: 1 });
    model.weights()[0].value[2] = Number.POSITIVE_INFINITY;
    const file = join(dir, 'nan.safetensors');
    await saveModel(model, file, { allowNonFinite: true });
    const refused = spawnSync(process.execPath, [cli, 'export', '--format', 'onnx', '--model', file, '--out', join(dir, 'a')], { encoding: 'utf8' });
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /weight "dense\/kernel" holds Infinity at index 2/);
    assert.equal(existsSync(join(dir, 'a', 'model.onnx')), false);
    const allowed = spawnSync(process.execPath, [cli, 'export', '--format', 'onnx', '--model', file, '--out', join(dir, 'b'), '--allow-non-finite'], { encoding: 'utf8' });
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.ok(existsSync(join(dir, 'b', 'model.onnx')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
