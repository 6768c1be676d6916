/**
 * The native backend's process-wide settings: the instruction-set path the
 * addon chose at load (and why), and the Winograd setting that replaced
 * reading CONVKIT_WINOGRAD on every call. What the paths and algorithms
 * compute is tested in native-backend.test.ts; no timing is tested here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeBackend, type NativeBackend } from '../../src/backend/native/index.js';

const loaded = loadNativeBackend();
const skip = 'error' in loaded ? `native addon did not load: ${loaded.error}` : false;
const backend = (): NativeBackend => (loaded as { backend: NativeBackend }).backend;

test('isaChoice names a supported path and says why it was chosen', { skip }, () => {
  const be = backend();
  const original = be.isa;
  const choice = be.isaChoice;
  assert.ok(be.supportedIsas.includes(choice.isa), `${choice.isa} is one of ${be.supportedIsas.join(', ')}`);
  assert.equal(choice.isa, be.isa);
  assert.equal(typeof choice.reason, 'string');
  assert.ok(choice.reason.trim().length > 0, 'the reason is a non-empty line');
  assert.ok(!choice.reason.includes('\n'), 'the reason is one line');
  if (process.env.CONVKIT_ISA) assert.match(choice.reason, new RegExp(`forced by CONVKIT_ISA=${process.env.CONVKIT_ISA}`));
  // setIsa replaces both the path and the reason.
  const other = be.supportedIsas.find((isa) => isa !== original) ?? original;
  try {
    be.setIsa(other);
    assert.deepEqual({ ...be.isaChoice }, { isa: other, reason: `set by setIsa('${other}')` });
  } finally {
    be.setIsa(original);
  }
});

test('setWinograd takes 0, 2 or 5 and nothing else; winograd reads it back', { skip }, () => {
  const be = backend();
  const saved = be.winograd;
  assert.ok([0, 2, 5].includes(saved));
  try {
    for (const tile of [0, 2, 5] as const) {
      be.setWinograd(tile);
      assert.equal(be.winograd, tile);
    }
    for (const bad of [1, 3, -1, 2.5, Number.NaN]) {
      assert.throws(() => be.setWinograd(bad as 0), /Winograd tile must be 0 \(direct only\), 2 or 5; received/);
    }
    assert.equal(be.winograd, 5, 'a refused value changes nothing');
  } finally {
    be.setWinograd(saved);
  }
});
