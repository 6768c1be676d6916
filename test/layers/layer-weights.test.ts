/** Per-layer getWeights() / setWeights(), as Keras's layer.get_weights() / set_weights(): copies out, checked copies in. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, Sequential, ShapeError, Tensor, layers } from '../../src/index.js';

function model(): Sequential {
  return new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }),
    layers.flatten(),
    layers.dense({ units: 3 }),
  ], { backend: 'reference', seed: 3 });
}

test('getWeights returns copies in Keras order (kernel, bias), with Keras shapes', () => {
  const m = model();
  const [kernel, bias] = m.layers[0].getWeights();
  assert.deepEqual(kernel!.shape, [3, 3, 1, 2]);
  assert.deepEqual(bias!.shape, [2]);
  assert.deepEqual(kernel!.data, m.weights()[0].value);
  kernel!.data[0] = 99;
  assert.notEqual(m.weights()[0].value[0], 99);
  assert.deepEqual(m.layers[1].getWeights(), []);
});

test('setWeights copies values in, and the model computes with them', async () => {
  const m = model();
  const dense = m.layers[2];
  dense.setWeights([new Tensor(new Float32Array(18 * 3).fill(0), [18, 3]), new Tensor(Float32Array.from([1, 2, 3]), [3])]);
  const out = await m.predict(new Tensor(new Float32Array(25).fill(0.5), [1, 5, 5, 1]));
  assert.deepEqual([...out.data], [1, 2, 3]);
  // A copy: changing the tensor given later does not reach the layer.
  const bias = new Tensor(Float32Array.from([4, 5, 6]), [3]);
  dense.setWeights([dense.getWeights()[0]!, bias]);
  bias.data[0] = 0;
  assert.deepEqual([...dense.getWeights()[1]!.data], [4, 5, 6]);
});

test('setWeights refuses a wrong count, a wrong shape or a non-tensor, naming the weight and both shapes, and writes nothing', () => {
  const m = model();
  const conv = m.layers[0];
  const before = conv.getWeights();
  assert.throws(() => conv.setWeights([before[0]!]),
    (e: unknown) => e instanceof ShapeError && e.message === 'Conv2D layer "conv2d".setWeights() expects 2 tensor(s) ([3, 3, 1, 2], [2]); received 1.');
  assert.throws(() => conv.setWeights([new Tensor(new Float32Array(18), [3, 3, 2, 1]), before[1]!]),
    (e: unknown) => e instanceof ShapeError && e.message === 'Conv2D layer "conv2d".setWeights(): conv2d/kernel expects shape [3, 3, 1, 2]; received [3, 3, 2, 1].');
  // The kernel is right, the bias wrong: the kernel is not written either.
  assert.throws(() => conv.setWeights([new Tensor(new Float32Array(18).fill(7), [3, 3, 1, 2]), new Tensor(new Float32Array(3), [3])]),
    (e: unknown) => e instanceof ShapeError && /conv2d\/bias expects shape \[2\]; received \[3\]/.test(e.message));
  assert.deepEqual(conv.getWeights(), before);
  assert.throws(() => conv.setWeights([before[0]!, [0, 0] as never]),
    (e: unknown) => e instanceof ShapeError && /value 1 \(conv2d\/bias\) must be a Tensor of shape \[2\]; received \[0,0\]/.test(e.message));
});

test('a layer not yet built has no weights to get or set', () => {
  const dense = layers.dense({ units: 3 });
  assert.throws(() => dense.getWeights(), (e: unknown) => e instanceof ConfigError && /Dense layer "dense"\.getWeights\(\): the layer has no weights until it is built/.test(e.message));
  assert.throws(() => dense.setWeights([]), (e: unknown) => e instanceof ConfigError && /setWeights\(\): the layer has no weights until it is built/.test(e.message));
});
