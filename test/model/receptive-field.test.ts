import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../src/index.js';
import { receptiveFields, unitReceptiveField } from '../../src/model/receptive-field.js';
import { labShapedCnn, onReference } from './small-models.js';

test('the lab CNN sees 3, 4, 8 and 10 input pixels after its conv, pool, conv and pool layers', () => {
  const model = labShapedCnn();
  const fields = receptiveFields(model.layers, 28);
  assert.deepEqual(fields.slice(0, 4).map((f) => [f.size, f.jump]), [[3, 1], [4, 2], [8, 2], [10, 4]]);
  assert.deepEqual(fields.slice(4).map((f) => f.global), [false, true, true]);
});

test("unitReceptiveField places a unit of each lab CNN layer on the input ('valid' padding)", () => {
  const model = labShapedCnn();
  // conv2d 26x26: unit (r, c) reads input rows r..r+2.
  assert.deepEqual(unitReceptiveField(model.layers, 28, 0, 5, 7), { top: 5, left: 7, size: 3 });
  // pool 13x13: unit (r, c) covers conv units 2r..2r+1, so input 2r..2r+3.
  assert.deepEqual(unitReceptiveField(model.layers, 28, 1, 3, 12), { top: 6, left: 24, size: 4 });
  // conv2d_1 11x11: unit (r, c) covers pool units r..r+2 -> input 2r..2r+7.
  assert.deepEqual(unitReceptiveField(model.layers, 28, 2, 10, 0), { top: 20, left: 0, size: 8 });
  // pool 5x5: unit (r, c) covers conv2d_1 units 2r..2r+1 -> pool units 2r..2r+3 -> input 4r..4r+9.
  assert.deepEqual(unitReceptiveField(model.layers, 28, 3, 4, 2), { top: 16, left: 8, size: 10 });
  // The last unit's field ends inside the 28x28 input (the last rows are in no pool window).
  const last = unitReceptiveField(model.layers, 28, 3, 4, 4)!;
  assert.ok(last.top + last.size <= 28);
  // Flatten has no rows and columns; Dense units see everything.
  assert.equal(unitReceptiveField(model.layers, 28, 4, 0, 0), null);
  assert.equal(unitReceptiveField(model.layers, 28, 5, 0, 0), null);
});

test("unitReceptiveField with 'same' padding starts before the input's edge, and with stride 2 jumps by 2", () => {
  const model = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [8, 8, 1] }),
    layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
    layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
  ], onReference);
  // 'same' 3x3 stride 1 pads one pixel before: unit (0, 0) reads rows -1..1.
  assert.deepEqual(unitReceptiveField(model.layers, 8, 0, 0, 0), { top: -1, left: -1, size: 3 });
  assert.deepEqual(unitReceptiveField(model.layers, 8, 0, 7, 3), { top: 6, left: 2, size: 3 });
  // 'same' 3x3 stride 2 on 8 pixels: 4 outputs, total padding (4-1)*2+3-8 = 1, all after: unit r reads layer-0 units 2r..2r+2.
  assert.deepEqual(unitReceptiveField(model.layers, 8, 1, 0, 0), { top: -1, left: -1, size: 5 });
  assert.deepEqual(unitReceptiveField(model.layers, 8, 1, 1, 2), { top: 1, left: 3, size: 5 });
  // Pool 2 over 4 units ('same', no padding needed): unit r covers layer-1 units 2r..2r+1 -> input 4r-1 .. 4r+5.
  assert.deepEqual(unitReceptiveField(model.layers, 8, 2, 1, 0), { top: 3, left: -1, size: 7 });
  const sizes = receptiveFields(model.layers, 8).map((f) => f.size);
  assert.deepEqual(sizes, [3, 5, 7], 'unitReceptiveField sizes agree with receptiveFields');
});

test('unitReceptiveField refuses a unit outside the layer, naming the layer size', () => {
  const model = labShapedCnn();
  assert.throws(() => unitReceptiveField(model.layers, 28, 0, 26, 0), /has 26x26 units; received row 26, column 0/);
  assert.throws(() => unitReceptiveField(model.layers, 28, 7, 0, 0), /layerIndex as an integer in 0..6; received 7/);
});

test("AveragePooling2D places 'same'-padded units as MaxPooling2D does: both carry their padding in their window", () => {
  // A 3x3 stride-2 'same' pool on 7 pixels pads one pixel before: unit (0, 0) reads input rows -1..1.
  for (const pool of [layers.maxPooling2d, layers.averagePooling2d]) {
    const model = new Sequential([pool({ poolSize: 3, strides: 2, padding: 'same', inputShape: [7, 7, 1] })], onReference);
    assert.deepEqual(unitReceptiveField(model.layers, 7, 0, 0, 0), { top: -1, left: -1, size: 3 }, model.layers[0].className);
    assert.deepEqual(unitReceptiveField(model.layers, 7, 0, 3, 1), { top: 5, left: 1, size: 3 }, model.layers[0].className);
  }
});
