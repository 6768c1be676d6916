/** An unknown activation name is refused with the list of known ones. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layers } from '../../src/index.js';

test('unknown activation lists the choices', () => {
  assert.throws(
    // @ts-expect-error: activation names are a literal union, so a typo fails to compile as well as at run time.
    () => layers.dense({ units: 3, activation: 'relux' }),
    /Dense got an unknown activation "relux"; expected one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'leaky_relu', 'elu', 'gelu', 'swish' \(or 'silu'\)\./,
  );
  assert.throws(() => layers.conv2d({ filters: 3, kernelSize: 3, activation: 'gelu_new' as never }), /Conv2D got an unknown activation "gelu_new"; expected one of .*'relu'/);
});
