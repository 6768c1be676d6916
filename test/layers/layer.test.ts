/** Options every layer takes (inputShape, name) are refused with what was expected and received. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, Sequential, layers } from '../../src/index.js';

test('inputShape that is not a list of positive integers', () => {
  assert.throws(() => layers.dense({ units: 3, inputShape: [28, 0] }), /Dense expects inputShape as a list of positive integers without the batch dimension, e\.g\. \[28, 28, 1\]; received \[28,0\]\./);
  assert.throws(() => layers.flatten({ inputShape: [] }), /Flatten expects inputShape .*received \[\]\./);
});
test('a layer name must be one path segment', () => {
  assert.throws(() => layers.dense({ units: 2, name: 'a/b' }), /Dense expects name to be letters, digits, '_', '.' or '-'; received "a\/b"/);
});

test('a layer too large to allocate is refused at build, naming the layer, the weight and its size', () => {
  const refused = (build: () => unknown, message: RegExp) => assert.throws(build, (e: unknown) => e instanceof ConfigError && message.test(e.message));
  refused(() => new Sequential([layers.dense({ units: 2 ** 31, inputShape: [4] })], { backend: 'reference' }),
    /^Dense layer "dense" would need a kernel of shape \[4, 2147483648\] \(8589934592 values\); a weight holds at most 2147483647 values\. Reduce units, filters or kernelSize\.$/);
  refused(() => new Sequential([layers.conv2d({ filters: 2, kernelSize: 2 ** 20, padding: 'same', inputShape: [4, 4, 1] })], { backend: 'reference' }),
    /Conv2D layer "conv2d" would need a kernel of shape \[1048576, 1048576, 1, 2\] \(2199023255552 values\)/);
  refused(() => new Sequential([layers.conv2d({ filters: 2 ** 31, kernelSize: 1, inputShape: [4, 4, 1] })], { backend: 'reference' }),
    /Conv2D layer "conv2d" would need a kernel of shape \[1, 1, 1, 2147483648\]/);
  refused(() => new Sequential([layers.conv2d({ filters: 2 ** 27, kernelSize: 1, useBias: false, inputShape: [64, 64, 1] })], { backend: 'reference' }),
    /Conv2D layer "conv2d" would output \[64, 64, 134217728\] per sample \(549755813888 values\); an activation holds at most 2147483647 values per sample/);
});
