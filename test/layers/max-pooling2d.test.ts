/** MaxPooling2D refuses inputs of the wrong rank and inputs smaller than its pool. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../src/index.js';
import { onReference } from '../model/small-models.js';

test('MaxPooling2D on a rank-2 input', () => {
  assert.throws(
    () => new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.maxPooling2d()], onReference),
    /MaxPooling2D layer "max_pooling2d" expects input of rank 4 \(batch, height, width, channels\); received shape \[None, 16\]\./,
  );
});

test('pool larger than the input', () => {
  assert.throws(
    () => new Sequential([layers.maxPooling2d({ poolSize: 3, inputShape: [2, 2, 1] })], onReference),
    /MaxPooling2D layer "max_pooling2d" with poolSize \[3,3\] needs an input of at least 3x3; received 2x2\. Use padding 'same'/,
  );
});
