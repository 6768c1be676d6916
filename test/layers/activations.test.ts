/** An unknown activation name is refused with the list of known ones. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layers } from '../../src/index.js';

test('unknown activation lists the choices', () => {
  assert.throws(() => layers.dense({ units: 3, activation: 'relux' as never }), /Dense got an unknown activation "relux"; expected one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax'\./);
  assert.throws(() => layers.conv2d({ filters: 3, kernelSize: 3, activation: 'gelu' as never }), /Conv2D got an unknown activation "gelu"; expected one of .*'relu'/);
});
