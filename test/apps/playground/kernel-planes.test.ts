import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelPlanes } from '../../../src/apps/playground/shared/kernel-planes.js';
import { ShapeError } from '../../../src/core/errors.js';

test('one input channel: each plane is its filter, read from the [kh, kw, cin, cout] layout', () => {
  // 2x1 kernel, 1 input channel, 2 filters: data[(p * cin + c) * cout + f]
  const { planes, averaged } = kernelPlanes([2, 1, 1, 2], [1, 2, 3, 4]);
  assert.equal(averaged, false);
  assert.deepEqual(planes.map((p) => Array.from(p)), [[1, 3], [2, 4]]);
});

test('several input channels: each plane is the mean over them', () => {
  // 1x1 kernel, 2 input channels, 1 filter
  const { planes, averaged } = kernelPlanes([1, 1, 2, 1], [1, -3]);
  assert.equal(averaged, true);
  assert.deepEqual(Array.from(planes[0]), [-1]);
});

test('a data length that does not match the shape is a ShapeError', () => {
  assert.throws(() => kernelPlanes([3, 3, 1, 2], [1, 2]), (e: unknown) => e instanceof ShapeError && /needs 18 values; received 2/.test(e.message));
});
