/** Dropout's rate must lie in [0, 1). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layers } from '../../src/index.js';

for (const rate of [1, -0.1, 1.5]) {
  test(`Dropout rate ${rate}`, () => {
    assert.throws(() => layers.dropout({ rate }), new RegExp(`Dropout expects rate to be a number in \\[0, 1\\), e\\.g\\. \\{ rate: 0\\.5 \\}; received ${String(rate).replace('.', '\\.')}\\.`));
  });
}
