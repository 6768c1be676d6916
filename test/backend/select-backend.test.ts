/** Choosing a backend by name: an unknown name is refused with the choices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, loadNativeBackend } from '../../src/index.js';

test('unknown backend name', () => {
  assert.throws(() => new Sequential([], { backend: 'gpu' as never }), /Unknown backend "gpu"; expected one of 'auto', 'native', 'reference'\./);
});

/**
 * Every native test skips when the addon does not load, so a broken build
 * would pass them all. CI sets CONVKIT_REQUIRE_NATIVE=1 (.ci/run), and then a
 * missing addon fails here.
 */
test('the native addon loads where CONVKIT_REQUIRE_NATIVE=1 says it must', { skip: process.env.CONVKIT_REQUIRE_NATIVE === '1' ? false : 'CONVKIT_REQUIRE_NATIVE is not 1' }, () => {
  const native = loadNativeBackend();
  assert.ok(!('error' in native), 'error' in native ? native.error : '');
});
