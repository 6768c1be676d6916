/** Dense refuses an input that is not (batch, features) and says to add Flatten. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../src/index.js';
import { onReference } from '../model/small-models.js';

test('Dense directly on a rank-4 input says to add Flatten', () => {
  assert.throws(
    () => new Sequential([layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [28, 28, 1] }), layers.dense({ units: 10 })], onReference),
    /Dense layer "dense" expects input of rank 2 \(batch, features\); received shape \[None, 26, 26, 4\]\. Add a Flatten layer before it\./,
  );
});

test('Dense as the first layer on images says to add Flatten', () => {
  assert.throws(() => new Sequential([layers.dense({ units: 10, inputShape: [28, 28, 1] })], onReference), /Dense layer "dense" expects input of rank 2 .*received shape \[None, 28, 28, 1\]\. Add a Flatten layer/);
});
