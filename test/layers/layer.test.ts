/** Options every layer takes (inputShape, name) are refused with what was expected and received. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layers } from '../../src/index.js';

test('inputShape that is not a list of positive integers', () => {
  assert.throws(() => layers.dense({ units: 3, inputShape: [28, 0] }), /Dense expects inputShape as a list of positive integers without the batch dimension, e\.g\. \[28, 28, 1\]; received \[28,0\]\./);
  assert.throws(() => layers.flatten({ inputShape: [] }), /Flatten expects inputShape .*received \[\]\./);
});
test('a layer name must be one path segment', () => {
  assert.throws(() => layers.dense({ units: 2, name: 'a/b' }), /Dense expects name to be letters, digits, '_', '.' or '-'; received "a\/b"/);
});
