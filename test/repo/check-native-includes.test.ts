/**
 * scripts/check-native-includes.mjs keeps native/ free of include cycles: it
 * passes on the real tree and fails, naming the loop, on a tiny tree that has
 * one (so the check is shown able to fail).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/backend/native/load-native.js';

const script = join(packageRoot(), 'scripts', 'check-native-includes.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

test('native/ has no include cycle', () => {
  const result = run();
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /no include cycle among \d+ modules/);
});

test('a tree where a.c includes b.h and b.c includes a.h (through a folder) fails, naming the cycle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-includes-'));
  try {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.h'), '#include <stddef.h>\n');
    writeFileSync(join(dir, 'a.c'), '#include "a.h"\n#include "sub/b.h"\n');
    writeFileSync(join(dir, 'sub', 'b.h'), '#include "leaf.h"\n');
    writeFileSync(join(dir, 'sub', 'b.c'), '#include "b.h"\n#include "a.h"\n');
    writeFileSync(join(dir, 'leaf.h'), '');
    const result = run(dir);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /include cycle among .* files: a -> sub\/b -> a/);
    assert.match(result.stderr, /sub\/b -> a +\(sub\/b\.c:2\)/);
    // Without the back edge the same tree passes.
    writeFileSync(join(dir, 'sub', 'b.c'), '#include "b.h"\n');
    assert.equal(run(dir).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
