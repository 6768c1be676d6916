import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipRect, unitInputRect, type LayerGrid } from '../../../src/apps/playground/shared/receptive-field-outline.js';
import { createLabCnn } from '../../../src/apps/lab/lab-models.js';
import { receptiveFields, unitReceptiveField } from '../../../src/model/receptive-field.js';
import { Sequential } from '../../../src/model/sequential.js';
import * as layers from '../../../src/layers/index.js';
import { ShapeError } from '../../../src/core/errors.js';

/** What a ModelView carries per layer, built from the library's own figures. */
function grids(model: Sequential): LayerGrid[] {
  const fields = receptiveFields(model.layers, model.inputShape[0]);
  return model.layers.map((layer, i) => ({ outputShape: layer.outputShape, receptiveField: fields[i] }));
}

test('the lab CNN: units of conv, pool, conv, pool see 3, 4, 8 and 10 input pixels, and the last unit ends inside the input', () => {
  const model = createLabCnn({ backend: 'reference' });
  const g = grids(model);
  const sizes = g.slice(0, 4).map((layer) => unitInputRect(layer, model.inputShape, 0, 0)?.size);
  assert.deepEqual(sizes, [3, 4, 8, 10]);
  for (const layer of g.slice(0, 4)) {
    const [h, w] = layer.outputShape;
    const first = unitInputRect(layer, model.inputShape, 0, 0)!;
    const last = unitInputRect(layer, model.inputShape, h - 1, w - 1)!;
    assert.deepEqual([first.top, first.left], [0, 0], 'valid layers start at the input corner');
    assert.ok(last.top + last.size <= 28 && last.left + last.size <= 28, `last unit ${JSON.stringify(last)} stays inside 28x28`);
  }
  // conv2d_1 unit (3, 5): jump 2 -> starts at (6, 10).
  assert.deepEqual(unitInputRect(g[2], model.inputShape, 3, 5), { top: 6, left: 10, size: 8 });
  assert.equal(unitInputRect(g[4], model.inputShape, 0, 0), null, 'flatten mixes positions');
});

test("'same' padding centres the fields: a 3x3 conv's corner unit reaches one pixel past the edge", () => {
  const model = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [8, 8, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
  ], { backend: 'reference' });
  const g = grids(model);
  assert.deepEqual(unitInputRect(g[0], model.inputShape, 0, 0), { top: -1, left: -1, size: 3 });
  assert.deepEqual(unitInputRect(g[0], model.inputShape, 4, 4), { top: 3, left: 3, size: 3 }, 'unit 4 is centred on pixel 4');
  assert.deepEqual(clipRect(unitInputRect(g[0], model.inputShape, 0, 0)!, 8, 8, 10), { x: 0, y: 0, width: 20, height: 20 });
});

test('a unit outside the map is a ShapeError', () => {
  const model = createLabCnn({ backend: 'reference' });
  assert.throws(() => unitInputRect(grids(model)[0], model.inputShape, 26, 0), (e: unknown) => e instanceof ShapeError && /outside the 26x26/.test(e.message));
});

test("the outline from a ModelView's figures matches the library's exact unitReceptiveField, unit by unit, on valid, 'same' and strided stacks", () => {
  const stacks: Array<{ name: string; model: Sequential }> = [
    { name: 'lab CNN', model: createLabCnn({ backend: 'reference' }) },
    {
      name: "'same' convs and pools",
      model: new Sequential([
        layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', inputShape: [12, 12, 1] }),
        layers.maxPooling2d({ poolSize: 2 }),
        layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }),
        layers.maxPooling2d({ poolSize: 2 }),
      ], { backend: 'reference' }),
    },
    {
      name: 'strided same conv on an even input',
      model: new Sequential([
        layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', inputShape: [10, 10, 1] }),
        layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }),
      ], { backend: 'reference' }),
    },
  ];
  for (const { name, model } of stacks) {
    const g = grids(model);
    g.forEach((layer, index) => {
      if (layer.outputShape.length !== 3) return;
      const [h, w] = layer.outputShape;
      for (let row = 0; row < h; row++) {
        for (let col = 0; col < w; col++) {
          const exact = unitReceptiveField(model.layers, model.inputShape[0], index, row, col);
          assert.deepEqual(unitInputRect(layer, model.inputShape, row, col), exact, `${name}, layer ${index}, unit (${row}, ${col})`);
        }
      }
    });
  }
});
