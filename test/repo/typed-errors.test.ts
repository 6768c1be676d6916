/**
 * Every error convkit raises on purpose has a kind a caller can catch
 * (src/core/errors.ts): no plain `new Error(` is left in src/. The native
 * backend's loader (src/backend/native/) is outside this rule for now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const EXEMPT = [join('src', 'backend', 'native')];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (EXEMPT.includes(relative(root, path))) return [];
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('src/ raises no plain Error: each throw uses a kind from src/core/errors.ts', () => {
  const files = sourceFiles(join(root, 'src'));
  assert.ok(files.length > 50, `expected the src/ tree under ${root}; found ${files.length} files`);
  const plain = files.flatMap((path) =>
    readFileSync(path, 'utf8').split('\n').flatMap((line, i) => (/\bnew Error\(/.test(line) ? [`${relative(root, path)}:${i + 1}: ${line.trim()}`] : [])),
  );
  assert.deepEqual(plain, [], `plain Errors in src/:\n${plain.join('\n')}`);
});
