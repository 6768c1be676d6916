/** Conv2D refuses inputs of the wrong rank and inputs smaller than its kernel, naming the layer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, ShapeError, layers } from '../../src/index.js';
import { onReference } from '../model/small-models.js';

test('Conv2D on a rank-2 input says to reshape to [N, 28, 28, 1]', () => {
  assert.throws(
    () => new Sequential([layers.conv2d({ filters: 32, kernelSize: 3, inputShape: [784] })], onReference),
    (e: unknown) => e instanceof ShapeError &&
      /Conv2D layer "conv2d" expects input of rank 4 \(batch, height, width, channels\); received shape \[None, 784\]\. Reshape images to \[N, height, width, channels\], e\.g\. \[N, 28, 28, 1\]\./.test(e.message),
  );
});

test('kernel larger than the input', () => {
  assert.throws(
    () => new Sequential([layers.conv2d({ filters: 2, kernelSize: 5, inputShape: [3, 3, 1] })], onReference),
    (e: unknown) => e instanceof ShapeError &&
      /Conv2D layer "conv2d" with kernelSize \[5,5\] and padding 'valid' needs an input of at least 5x5; received 3x3\. Use padding 'same' or a smaller kernel\./.test(e.message),
  );
});

test('a deep stack that shrinks the map below the kernel names the failing layer', () => {
  assert.throws(
    () => new Sequential([layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }), layers.maxPooling2d({ poolSize: 2 }), layers.conv2d({ filters: 2, kernelSize: 3 })], onReference),
    /Conv2D layer "conv2d_1" .*needs an input of at least 3x3; received 1x1\./,
  );
});
