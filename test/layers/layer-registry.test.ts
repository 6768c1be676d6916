/**
 * Every registered layer describes itself truthfully (layers/registry.ts,
 * layers/layer-descriptor.ts): its descriptor names the class it creates, lists
 * exactly the options getConfig() writes, and states the defaults the
 * constructor really applies. And the registry is a fixed list: names that are
 * not one of its classes, including Object.prototype's, find nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descriptorFor, LAYER_CLASS_NAMES } from '../../src/layers/registry.js';

test('each descriptor creates its own class, from its example, with exactly its config keys', () => {
  assert.ok(LAYER_CLASS_NAMES.length >= 5);
  for (const className of LAYER_CLASS_NAMES) {
    const descriptor = descriptorFor(className)!;
    assert.equal(descriptor.className, className);
    const layer = descriptor.create({ ...descriptor.example });
    assert.equal(layer.className, className, `${className}: created class`);
    const written = Object.keys(layer.getConfig()).filter((k) => k !== 'inputShape').sort();
    assert.deepEqual(written, descriptor.config.map((k) => k.name).sort(), `${className}: getConfig() keys vs descriptor config keys`);
    for (const key of descriptor.config) assert.match(key.keras, /^[a-z][a-z0-9_]*$/, `${className}.${key.name}: Keras names are snake_case`);
  }
});

test('the defaults a descriptor states are the ones the constructor applies', () => {
  for (const className of LAYER_CLASS_NAMES) {
    const descriptor = descriptorFor(className)!;
    const withDefaults = descriptor.config.filter((k) => k.default !== undefined);
    const required: Record<string, unknown> = { ...descriptor.example };
    for (const key of withDefaults) delete required[key.name];
    const config = descriptor.create(required).getConfig();
    for (const key of withDefaults) assert.deepEqual(config[key.name], key.default, `${className}.${key.name}`);
  }
});

test('names outside the list find nothing, prototype names included', () => {
  for (const name of ['Lambda', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'conv2d', '', 'Conv2D ']) {
    assert.equal(descriptorFor(name), undefined, JSON.stringify(name));
  }
  for (const value of [undefined, null, 42, ['Conv2D'], { toString: () => 'Conv2D' }]) assert.equal(descriptorFor(value), undefined);
});
