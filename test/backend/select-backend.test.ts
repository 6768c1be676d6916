/** Choosing a backend by name: an unknown name is refused with the choices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential } from '../../src/index.js';

test('unknown backend name', () => {
  assert.throws(() => new Sequential([], { backend: 'gpu' as never }), /Unknown backend "gpu"; expected one of 'auto', 'native', 'reference'\./);
});
