import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuTicks, readCpuTicks, stealPercent } from '../../bench/host-steal.js';

// The first lines of a real /proc/stat (2 CPUs), and the same host 5 seconds later.
const BEFORE = 'cpu  3441297 171539 373673 8516438 10585 0 6166 119591 0 0\ncpu0 1663838 86256 175445 4331785 1524 0 890 59828 0 0\n';
const AFTER = 'cpu  3441397 171539 373773 8516438 10585 0 6166 119641 0 0\ncpu0 1663888 86256 175495 4331785 1524 0 890 59853 0 0\n';

test('parseCpuTicks reads the aggregate line: steal is the eighth field, the total the first eight', () => {
  const ticks = parseCpuTicks(BEFORE);
  assert.deepEqual(ticks, { steal: 119591, total: 3441297 + 171539 + 373673 + 8516438 + 10585 + 0 + 6166 + 119591 });
});

test('stealPercent is the steal share of all CPU time between two readings', () => {
  // 250 ticks passed: 100 user, 100 system, 50 steal.
  assert.equal(stealPercent(parseCpuTicks(BEFORE), parseCpuTicks(AFTER)), 20);
});

test('without a reading, an aggregate line or elapsed ticks there is no steal figure', () => {
  assert.equal(parseCpuTicks('cpu0 1 2 3 4 5 6 7 8\n'), null);
  assert.equal(parseCpuTicks('cpu  1 2 3 4\n'), null, 'a kernel too old to count steal');
  assert.equal(parseCpuTicks('cpu  1 2 3 x 5 6 7 8\n'), null);
  assert.equal(stealPercent(null, parseCpuTicks(AFTER)), null);
  assert.equal(stealPercent(parseCpuTicks(BEFORE), null), null);
  assert.equal(stealPercent(parseCpuTicks(BEFORE), parseCpuTicks(BEFORE)), null);
});

test('readCpuTicks gives this machine\'s counters on Linux and null elsewhere', () => {
  const ticks = readCpuTicks();
  if (process.platform !== 'linux') {
    assert.equal(ticks, null);
    return;
  }
  assert.ok(ticks && ticks.total > 0 && ticks.steal >= 0 && ticks.steal <= ticks.total);
});
