/** Layer options are checked when the layer is made: each bad value is refused with what was expected, an example and what was received. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, layers } from '../../src/index.js';

for (const filters of [-1, 0, 2.5]) {
  test(`Conv2D filters ${filters}`, () => {
    assert.throws(() => layers.conv2d({ filters, kernelSize: 3 }), (e: unknown) => {
      assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
      assert.match(e.message, /^Conv2D expects filters to be a positive integer/);
      assert.ok(e.message.includes(`received ${filters}.`), e.message);
      assert.match(e.message, /e\.g\. \{ filters: 32 \}/);
      return true;
    });
  });
}

test('Conv2D filters missing', () => {
  assert.throws(() => layers.conv2d({ kernelSize: 3 } as never), /Conv2D expects filters to be a positive integer .*received undefined/);
});

test('Dense units 0 and 1.5', () => {
  assert.throws(() => layers.dense({ units: 0 }), /Dense expects units to be a positive integer \(e\.g\. \{ units: 128 \}\); received 0\./);
  assert.throws(() => layers.dense({ units: 1.5 }), /Dense expects units to be a positive integer .*received 1\.5\./);
});

test('kernelSize 0, negative, or a bad pair', () => {
  assert.throws(() => layers.conv2d({ filters: 8, kernelSize: 0 }), /Conv2D expects kernelSize to be a positive integer or a pair \[height, width\] of positive integers \(e\.g\. 3 or \[3, 3\]\); received 0\./);
  assert.throws(() => layers.conv2d({ filters: 8, kernelSize: [3, -1] }), /Conv2D expects kernelSize .*received \[3,-1\]\./);
  assert.throws(() => layers.conv2d({ filters: 8, kernelSize: [3, 3, 3] as never }), /Conv2D expects kernelSize .*received \[3,3,3\]\./);
});

test('Conv2D strides 0 and unknown padding', () => {
  assert.throws(() => layers.conv2d({ filters: 8, kernelSize: 3, strides: 0 }), /Conv2D expects strides to be a positive integer or a pair .*received 0\./);
  assert.throws(
    () => layers.conv2d({ filters: 8, kernelSize: 3, padding: 'full' as never }),
    (e: unknown) => e instanceof ConfigError && /Conv2D expects padding to be one of 'valid', 'same'; received "full"\./.test(e.message),
  );
});

test('poolSize 0 and pool strides 0', () => {
  assert.throws(() => layers.maxPooling2d({ poolSize: 0 }), /MaxPooling2D expects poolSize to be a positive integer or a pair \[height, width\] .*received 0\./);
  assert.throws(() => layers.maxPooling2d({ poolSize: 2, strides: [0, 1] }), /MaxPooling2D expects strides .*received \[0,1\]\./);
});
test('useBias must be a boolean', () => {
  assert.throws(() => layers.dense({ units: 2, useBias: 'no' as unknown as boolean }), /Dense expects useBias to be true or false; received "no"/);
  assert.throws(() => layers.conv2d({ filters: 2, kernelSize: 3, useBias: 1 as unknown as boolean }), /Conv2D expects useBias to be true or false; received 1/);
});
