import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divergingRgb } from '../../src/core/colour-map.js';
import { divergingColours } from '../../src/apps/inspect/image-grid.js';

test('divergingRgb: zero is white, +maxAbs red, -maxAbs blue, halfway half faded, beyond maxAbs clipped', () => {
  assert.deepEqual(divergingRgb(0, 2), [255, 255, 255]);
  assert.deepEqual(divergingRgb(2, 2), [255, 0, 0]);
  assert.deepEqual(divergingRgb(-2, 2), [0, 0, 255]);
  assert.deepEqual(divergingRgb(1, 2), [255, 128, 128]);
  assert.deepEqual(divergingRgb(-1, 2), [128, 128, 255]);
  assert.deepEqual(divergingRgb(5, 2), [255, 0, 0]);
  assert.deepEqual(divergingRgb(-5, 2), [0, 0, 255]);
});

test('divergingRgb draws white when there is no scale or no value', () => {
  assert.deepEqual(divergingRgb(1, 0), [255, 255, 255]);
  assert.deepEqual(divergingRgb(1, Number.NaN), [255, 255, 255]);
  assert.deepEqual(divergingRgb(Number.NaN, 1), [255, 255, 255]);
});

test("inspect's kernel tiles are divergingRgb scaled by the tile's largest |weight|", () => {
  const values = [0.3, -0.6, 0.1, 0];
  const expected = values.flatMap((v) => divergingRgb(v, 0.6));
  assert.deepEqual([...divergingColours(values)], expected);
});
