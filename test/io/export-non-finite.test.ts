/**
 * TF.js and ONNX export refuse a model whose weights hold NaN or Infinity, as
 * saveModel does, naming the weight and the first bad index; allowNonFinite
 * writes it anyway. The CLI's export takes --allow-non-finite for both the
 * load and the export.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelFileError, Sequential, exportOnnx, exportTfjs, layers } from '../../src/index.js';

function divergedModel(): Sequential {
  const model = new Sequential([
    layers.flatten({ inputShape: [2, 2, 1] }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend: 'reference', seed: 1 });
  model.weights()[0].value[5] = Number.NaN;
  return model;
}

for (const [format, write] of [['TF.js', exportTfjs], ['ONNX', exportOnnx]] as const) {
  test(`${format} export refuses a NaN weight, naming it, and writes nothing; allowNonFinite writes it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'convkit-export-nan-'));
    try {
      const out = join(dir, 'out');
      await assert.rejects(write(divergedModel(), out), (error: unknown) => {
        assert.ok(error instanceof ModelFileError, String(error));
        assert.match(error.message, new RegExp(`^${format.replace('.', '\\.')} export of model "sequential": weight "dense/kernel" holds NaN at index 5 \\(of 12\\); a diverged model is not exported`));
        return true;
      });
      assert.equal(existsSync(out), false, 'no folder written');
      const written = await write(divergedModel(), out, { allowNonFinite: true });
      assert.ok(existsSync(written));
      assert.ok(readdirSync(out).length >= 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
