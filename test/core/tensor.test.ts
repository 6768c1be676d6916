/** A Tensor's data must match its shape. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/index.js';

test('Tensor data that does not match its shape', () => {
  assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), /Tensor data length does not match its shape: shape \[2, 3\] needs 6 values; received 5\./);
});
