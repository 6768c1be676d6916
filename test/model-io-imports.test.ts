/**
 * io depends on model, never the reverse: no file of the library below io
 * (model, layers, core, backend, losses, metrics, optimizers, data) imports
 * from src/io. Model files, TF.js and ONNX read the model; the model never
 * reaches for them (saving is io's saveModel(model, path), not model.save()).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The compiled tests run from dist/test; the sources are two levels up.
const root = fileURLToPath(new URL('../../', import.meta.url));
const BELOW_IO = ['model', 'layers', 'core', 'backend', 'losses', 'metrics', 'optimizers', 'data'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

test('no library file below io imports from src/io', () => {
  const offenders: string[] = [];
  let files = 0;
  for (const folder of BELOW_IO) {
    for (const file of tsFiles(join(root, 'src', folder))) {
      files++;
      const text = readFileSync(file, 'utf8');
      // Static and dynamic imports and re-exports alike.
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        if (/(^|\/)io\//.test(match[1]) && match[1].startsWith('.')) offenders.push(`${relative(root, file)} imports ${match[1]}`);
      }
    }
  }
  assert.ok(files > 40, `expected to scan the library's files; found ${files}`);
  assert.deepEqual(offenders, []);
});
