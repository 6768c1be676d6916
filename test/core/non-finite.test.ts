/** firstNonFinite: the index of the first NaN or infinite value. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstNonFinite } from '../../src/core/non-finite.js';

test('finds the first NaN, Infinity or -Infinity', () => {
  assert.equal(firstNonFinite(new Float32Array([0, 1, -2, 3e38])), -1);
  assert.equal(firstNonFinite(new Float32Array([0, 1, NaN, Infinity])), 2);
  assert.equal(firstNonFinite(new Float64Array([0, -Infinity])), 1);
  assert.equal(firstNonFinite(new Float32Array([Infinity])), 0);
  assert.equal(firstNonFinite(new Float32Array(0)), -1);
});
