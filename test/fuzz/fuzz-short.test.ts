/**
 * The short fuzz run of npm test: every target of npm run fuzz for a fixed
 * seed and count, in the full profile: inflation bombs, JSON thousands of
 * levels deep, non-finite weights and hostile pooling windows are among its
 * inputs. And the harness itself:
 * a crash, a hang, an unexpected exception and runaway memory are each
 * recorded against their input with a reproducer, and the run goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFuzz } from '../../fuzz/fuzz-pool.js';
import { parseFuzzArgs } from '../../fuzz/options.js';
import { TARGETS } from '../../fuzz/targets/index.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';

const COUNT = 5000;

test(`every fuzz target, ${COUNT} inputs each (seed 19): no failure, and each target both accepts and refuses inputs`, async () => {
  const failuresDir = mkdtempSync(join(tmpdir(), 'convkit-fuzz-'));
  const options = parseFuzzArgs(['--seed', '19', '--count', String(COUNT), '--seconds', '900', '--jobs', '2', '--quiet', '--failures', failuresDir]);
  const result = await runFuzz(options, () => undefined);
  const native = !('error' in loadNativeBackend());
  for (const counts of result.counts) {
    console.log(`# ${counts.target}: ${counts.inputs} inputs, ${counts.accepted} accepted, ${counts.refused} refused, ${counts.failed} failed${counts.unavailable ? ` (${counts.unavailable})` : ''}`);
  }
  assert.deepEqual(result.failures.map((f) => `${f.target} #${f.index} ${f.kind}: ${f.message}`), []);
  assert.deepEqual(result.counts.map((c) => c.target), TARGETS.map((t) => t.name));
  for (const counts of result.counts) {
    if (counts.target === 'native-geometry' && !native) continue;
    assert.equal(counts.inputs, COUNT, `${counts.target} ran every input`);
    // Both sides are reached: mutations that get past the first checks, and ones that are refused.
    assert.ok(counts.accepted > COUNT / 100, `${counts.target} accepted ${counts.accepted}`);
    assert.ok(counts.refused > COUNT / 100, `${counts.target} refused ${counts.refused}`);
  }
});

test('the harness records an exception, a crash, a hang and runaway memory against their inputs, writes reproducers, and goes on', async () => {
  const failuresDir = mkdtempSync(join(tmpdir(), 'convkit-fuzz-self-'));
  const options = parseFuzzArgs(['--target', 'self-test', '--count', '12', '--jobs', '1', '--budget-ms', '1500', '--max-rss-mb', '512', '--quiet', '--failures', failuresDir]);
  const result = await runFuzz(options, () => undefined);
  const [counts] = result.counts;
  // Inputs cycle through: accepted, refused, Error, abort, endless loop, 2 GiB.
  assert.deepEqual({ inputs: counts!.inputs, accepted: counts!.accepted, refused: counts!.refused }, { inputs: 12, accepted: 2, refused: 2 });
  assert.deepEqual(result.failures.map((f) => [f.index, f.kind]), [[2, 'exception'], [3, 'crash'], [4, 'hang'], [5, 'memory'], [8, 'exception'], [9, 'crash'], [10, 'hang'], [11, 'memory']]);
  assert.match(result.failures[0]!.message, /Error: a plain Error on purpose/);
  assert.match(result.failures[1]!.message, /signal SIGABRT/);
  const written = readdirSync(join(failuresDir, 'self-test')).sort();
  assert.ok(written.includes('seed1-input3-crash'), written.join(', '));
  const record = JSON.parse(readFileSync(join(failuresDir, 'self-test', 'seed1-input3-crash', 'failure.json'), 'utf8')) as { replay: string };
  assert.equal(record.replay, 'npm run fuzz -- --target self-test --seed 1 --only 3');
  assert.equal(readFileSync(join(failuresDir, 'self-test', 'seed1-input3-crash', 'kind.txt'), 'utf8'), '3 (0)\n');
});
