/**
 * Layer.plan(): the weights and output shape a layer will have on an input
 * shape, which the model-file loader checks a file against before anything is
 * allocated. It must describe exactly what build() then creates.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';

const CASES: { name: string; make: () => Layer[]; input: number[] }[] = [
  { name: 'the lab CNN', input: [28, 28, 1], make: () => [
    layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }), layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }), layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(), layers.dense({ units: 128, activation: 'relu' }), layers.dense({ units: 10, activation: 'softmax' }),
  ] },
  { name: "strides, 'same' padding, no bias, dropout", input: [17, 13, 3], make: () => [
    layers.conv2d({ filters: 5, kernelSize: [3, 2], strides: [2, 1], padding: 'same', useBias: false }),
    layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    layers.flatten(), layers.dropout({ rate: 0.5 }), layers.dense({ units: 7, useBias: false }),
  ] },
];

describe('Layer.plan() matches what build() creates', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const planned = c.make();
      let shape: readonly number[] = c.input;
      const plans = planned.map((layer) => {
        const plan = layer.plan(shape)!;
        assert.ok(plan, `${layer.className} plans on [${shape.join(', ')}]`);
        shape = plan.outputShape;
        return plan;
      });
      const model = new Sequential(c.make(), { backend: 'reference', seed: 1 });
      model.build(c.input);
      model.layers.forEach((layer, i) => {
        assert.deepEqual([...plans[i].outputShape], [...layer.outputShape], `${layer.name} output shape`);
        assert.deepEqual(plans[i].weights.map((w) => [`${layer.name}/${w.suffix}`, w.shape]), layer.weights().map((w) => [w.name, w.shape]), `${layer.name} weights`);
      });
    });
  }

  test('a wrong input rank gives no plan (build() reports it in the layer\'s own words)', () => {
    assert.equal(layers.conv2d({ filters: 2, kernelSize: 3 }).plan([28, 28]), undefined);
    assert.equal(layers.maxPooling2d({ poolSize: 2 }).plan([10]), undefined);
    assert.equal(layers.dense({ units: 3 }).plan([4, 4]), undefined);
  });
});
