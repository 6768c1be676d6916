import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxAbs, sequentialRgb } from '../../../src/apps/playground/shared/colour-maps.js';

test('the sequential map runs from dark to bright, clamps outside its range, and is dark for an all-zero map', () => {
  const lum = ([r, g, b]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const ramp = [0, 0.25, 0.5, 0.75, 1].map((t) => lum(sequentialRgb(t, 1)));
  for (let i = 1; i < ramp.length; i++) assert.ok(ramp[i] > ramp[i - 1], `luminance rises along the ramp: ${ramp.join(', ')}`);
  assert.deepEqual(sequentialRgb(5, 1), sequentialRgb(1, 1));
  assert.deepEqual(sequentialRgb(-1, 1), [68, 1, 84]);
  assert.deepEqual(sequentialRgb(0.3, 0), [68, 1, 84]);
});

test('maxAbs ignores non-finite values and honours the range', () => {
  assert.equal(maxAbs([1, -3, Infinity, NaN, 2]), 3);
  assert.equal(maxAbs([9, 1, -2, 9], 1, 3), 2);
  assert.equal(maxAbs([]), 0);
});
