/**
 * The addon's functions and their parameters are written once, in
 * native/napi/bindings.h; the addon exports that list as `parameters`. This
 * test holds the TypeScript declarations of the raw addon
 * (src/backend/native/native-addon.ts) to it: the same functions, and each
 * with the same parameter names in the same order, so a reordered or added
 * argument on one side fails here instead of passing the wrong buffer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNativeBackend, packageRoot } from '../../src/backend/native/index.js';
import { loadAddonModule } from '../../src/backend/native/load-native.js';
import type { NativeAddon } from '../../src/backend/native/native-addon.js';

const loaded = loadNativeBackend();
const skip = 'error' in loaded ? `native addon did not load: ${loaded.error}` : false;

/** Method name -> parameter names, from the NativeAddon interface's declarations (one per line). */
function declaredMethods(source: string): Map<string, string[]> {
  const body = source.slice(source.indexOf('export interface NativeAddon {'));
  const methods = new Map<string, string[]>();
  for (const line of body.slice(0, body.indexOf('\n}')).split('\n')) {
    const match = /^ {2}(\w+)\((.*)\): [^;]+;$/.exec(line);
    if (!match) continue;
    const names = match[2] === '' ? [] : match[2].split(/, (?=\w+\??: )/).map((parameter) => parameter.slice(0, parameter.indexOf(':')).replace('?', ''));
    methods.set(match[1], names);
  }
  return methods;
}

test('every addon function is declared in native-addon.ts with the parameters of native/napi/bindings.h, in order', { skip }, () => {
  const addon = loadAddonModule();
  const declared = declaredMethods(readFileSync(join(packageRoot(), 'src', 'backend', 'native', 'native-addon.ts'), 'utf8'));
  const exported = Object.getOwnPropertyNames(addon).filter((key) => typeof (addon as unknown as Record<string, unknown>)[key] === 'function').sort();
  assert.deepEqual([...declared.keys()].sort(), exported, 'the declared methods are the exported functions');
  for (const name of exported) {
    assert.deepEqual(declared.get(name), addon.parameters[name] ?? [], `${name}: parameters declared in native-addon.ts vs bindings.h`);
  }
  // The parser reads what it should: a known declaration, and a known list from the addon.
  assert.deepEqual(declared.get('conv2d'), ['x', 'w', 'y', 'conv', 'bias', 'activation']);
  assert.deepEqual(addon.parameters.poolConvBackprop, ['g', 'argmax', 'x', 'w', 'dw', 'dx', 'pooled', 'db', 'conv', 'pool']);
});

test('a call with fewer arguments than the binding has parameters is a TypeError naming the count', { skip }, () => {
  const addon = loadAddonModule();
  const call = addon.conv2dBackpropInput as unknown as (...args: unknown[]) => void;
  assert.throws(() => call(new Float32Array(1), new Float32Array(1)), (e: Error) => e instanceof TypeError && /conv2dBackpropInput expects 4 arguments; received 2/.test(e.message));
});
