/** erf against tabulated values (Abramowitz & Stegun table 7.1, and mpmath for the tails), odd symmetry, limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erf } from '../../src/core/erf.js';

test('erf matches tabulated values to ~1e-15 on both sides of the series / continued-fraction switch', () => {
  const table: [number, number][] = [
    [0, 0],
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [2.9, 0.9999589021219005],
    [3, 0.9999779095030014],
    [3.5, 0.9999992569016276],
    [5, 0.9999999999984626],
  ];
  for (const [x, expected] of table) {
    assert.ok(Math.abs(erf(x) - expected) < 2e-15, `erf(${x}) = ${erf(x)}, expected ${expected}`);
    assert.ok(erf(-x) === -erf(x), `erf(-${x}) = ${erf(-x)}`);
  }
  assert.equal(erf(7), 1);
  assert.equal(erf(-Infinity), -1);
  assert.ok(Number.isNaN(erf(Number.NaN)));
});
