/**
 * The error classes: each kind is a ConvkitError and an Error, says its kind in
 * `name` (so `String(error)` and stack traces show it), keeps the message as
 * given and passes a cause on; the package exports the same classes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ConvkitError, DataError, ModelFileError, ShapeError } from '../../src/core/errors.js';
import * as convkit from '../../src/index.js';

const KINDS = [ShapeError, ConfigError, ModelFileError, DataError] as const;

for (const Kind of KINDS) {
  test(`${Kind.name} is a ConvkitError named after its class, with the message as given`, () => {
    const error = new Kind('Dense expects units to be a positive integer (e.g. { units: 128 }); received 0.');
    assert.ok(error instanceof Kind);
    assert.ok(error instanceof ConvkitError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, Kind.name);
    assert.equal(error.message, 'Dense expects units to be a positive integer (e.g. { units: 128 }); received 0.');
    assert.equal(String(error), `${Kind.name}: ${error.message}`);
    assert.match(error.stack ?? '', new RegExp(`^${Kind.name}: Dense expects units`));
  });
}

test('the kinds are distinct: catching one does not catch another', () => {
  for (const Kind of KINDS) {
    const error = new Kind('x');
    for (const Other of KINDS) assert.equal(error instanceof Other, Other === Kind, `${Kind.name} instanceof ${Other.name}`);
  }
});

test('ConvkitError itself is named ConvkitError and is not one of the kinds', () => {
  const error = new ConvkitError('Dense "dense": backward called without a training forward pass.');
  assert.equal(error.name, 'ConvkitError');
  assert.ok(KINDS.every((Kind) => !(error instanceof Kind)));
});

test('a cause is kept, so a file error can carry the layer error that explains it', () => {
  const cause = new ConfigError('Conv2D expects filters to be a positive integer (e.g. { filters: 32 }); received -2.');
  const error = new ModelFileError('m.safetensors: layer 0: Conv2D expects filters to be a positive integer', { cause });
  assert.equal(error.cause, cause);
  assert.equal(new ShapeError('no cause').cause, undefined);
});

test("a caller can tell the kinds apart with catch and instanceof", () => {
  const kindOf = (fn: () => void): string => {
    try {
      fn();
      return 'none';
    } catch (error) {
      if (error instanceof ShapeError) return 'shape';
      if (error instanceof ConfigError) return 'config';
      return 'other';
    }
  };
  assert.equal(kindOf(() => convkit.layers.dense({ units: 0 })), 'config');
  assert.equal(kindOf(() => new convkit.Tensor(new Float32Array(3), [2, 2])), 'shape');
  assert.equal(kindOf(() => convkit.layers.dense({ units: 2 })), 'none');
});

test("'convkit' exports the same classes, and the file formats' own errors as subclasses of their kind", () => {
  assert.equal(convkit.ConvkitError, ConvkitError);
  assert.equal(convkit.ShapeError, ShapeError);
  assert.equal(convkit.ConfigError, ConfigError);
  assert.equal(convkit.ModelFileError, ModelFileError);
  assert.equal(convkit.DataError, DataError);
  assert.ok(new convkit.SafetensorsError('x') instanceof ModelFileError);
  assert.ok(new convkit.IdxFormatError('a.idx', 'x') instanceof DataError);
});
