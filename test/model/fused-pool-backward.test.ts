/**
 * The model's plan runs Conv2D(relu) -> MaxPooling2D as one block: backward as one step
 * (the relu mask and the bias gradient come from the pooled output, and the
 * pool then scatters the masked gradient: model/plan/conv-relu-pool-block.ts),
 * and forward and backward as one kernel each where the backend fuses the pair
 * (the native backend, for 3x3 convs and 2x2 pools with 1 or at least 4 input
 * channels: the second block here, and the first with 1 or 4). These tests compare every
 * weight gradient and the predictions with the plain layer-by-layer passes, in
 * float64 on the reference backend and in float32 on the native one, for the
 * lab CNN's 2x2 pooling and for overlapping and 'same'-padded pools.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../src/index.js';
import { Random } from '../../src/core/random.js';
import type { Layer } from '../../src/layers/layer.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import type { Padding } from '../../src/core/conv-geometry.js';

interface Case {
  name: string;
  pool: { poolSize: number; strides: number; padding: Padding };
  useBias: boolean;
  /** Input channels (1: the native backend runs the first conv, relu and pool as one kernel). */
  channels?: number;
}

const CASES: Case[] = [
  { name: '2x2 pool (the lab CNN)', pool: { poolSize: 2, strides: 2, padding: 'valid' }, useBias: true },
  { name: 'overlapping 3x3 pool, stride 2', pool: { poolSize: 3, strides: 2, padding: 'valid' }, useBias: true },
  { name: "'same' 2x2 pool on odd sizes", pool: { poolSize: 2, strides: 2, padding: 'same' }, useBias: true },
  { name: 'conv without bias', pool: { poolSize: 2, strides: 2, padding: 'valid' }, useBias: false },
  { name: 'one input channel (fused conv + relu + pool forward on native)', pool: { poolSize: 2, strides: 2, padding: 'valid' }, useBias: true, channels: 1 },
  { name: 'four input channels, no bias (forward by Winograd windows, backward over the argmax positions, on native)', pool: { poolSize: 2, strides: 2, padding: 'valid' }, useBias: false, channels: 4 },
];

function build(c: Case, backend: 'reference' | 'native', dtype: 'float32' | 'float64'): Sequential {
  const model = new Sequential([
    layers.conv2d({ filters: 5, kernelSize: 3, activation: 'relu', useBias: c.useBias }),
    layers.maxPooling2d(c.pool),
    layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', padding: 'same' }),
    layers.maxPooling2d(c.pool),
    layers.flatten(),
    layers.dense({ units: 4, activation: 'softmax' }),
  ], { backend, dtype, seed: 11 });
  model.build([11, 13, c.channels ?? 2]);
  model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  return model;
}

/** The plain backward: every layer on its own, no fusion. */
function unfusedGradients(model: Sequential, x: Float32Array | Float64Array, labels: Int32Array, batch: number): Float64Array[] {
  // Layer by layer: Sequential.forwardBatch would fuse the conv and pool pairs.
  let output: Float32Array | Float64Array = x;
  for (const layer of model.layers) output = layer.forward(output, batch, true);
  const classes = 4;
  // Softmax + cross-entropy gradient with respect to the logits: (p - onehot) / batch.
  let dy: Float32Array | Float64Array | null = output.slice();
  for (let n = 0; n < batch; n++) dy[n * classes + labels[n]] -= 1;
  for (let i = 0; i < dy.length; i++) dy[i] /= batch;
  const all: Layer[] = model.layers;
  for (let i = all.length - 1; i >= 0 && dy; i--) {
    const layer = all[i];
    dy = i === all.length - 1
      ? (layer as unknown as { backwardFromPreActivation(d: typeof dy, b: number, n: boolean): typeof dy }).backwardFromPreActivation(dy!, batch, i > 0)
      : layer.backward(dy!, batch, i > 0);
  }
  return model.weights().map((w) => Float64Array.from(w.grad));
}

function inputs(dtype: 'float32' | 'float64', batch: number, channels = 2): { x: Float32Array | Float64Array; labels: Int32Array } {
  const random = new Random(3);
  const x = dtype === 'float64' ? new Float64Array(batch * 11 * 13 * channels) : new Float32Array(batch * 11 * 13 * channels);
  for (let i = 0; i < x.length; i++) x[i] = random.uniform(-1, 1);
  return { x, labels: Int32Array.from({ length: batch }, (_, i) => i % 4) };
}

function compare(c: Case, backend: 'reference' | 'native', dtype: 'float32' | 'float64', tolerance: number): void {
  const batch = 5;
  const { x, labels } = inputs(dtype, batch, c.channels);
  const fusedModel = build(c, backend, dtype);
  // Both pairs run as blocks, whatever kernels the backend has for them.
  const blocks = fusedModel.plan.decisions.filter((d) => d.rule === 'conv-relu-maxpool').map((d) => d.layers.join(' + '));
  assert.deepEqual(blocks, ['conv2d + max_pooling2d', 'conv2d_1 + max_pooling2d_1']);
  fusedModel.computeGradients(x, labels, batch);
  const fused = fusedModel.weights().map((w) => Float64Array.from(w.grad));
  const fusedOutput = Float64Array.from(fusedModel.forwardBatch(x, batch, false));
  const plainModel = build(c, backend, dtype);
  const plain = unfusedGradients(plainModel, x, labels, batch);
  let plainOutput: Float32Array | Float64Array = x;
  for (const layer of plainModel.layers) plainOutput = layer.forward(plainOutput, batch, false);
  fusedOutput.forEach((p, i) => assert.ok(Math.abs(p - plainOutput[i]) <= tolerance, `probability ${i}: fused ${p} vs plain ${plainOutput[i]}`));
  assert.equal(fused.length, plain.length);
  let nonZero = 0;
  fused.forEach((grad, k) => {
    // Relative to the largest gradient of the weight: the two orders sum the same terms differently.
    const scale = plain[k].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    grad.forEach((value, i) => {
      assert.ok(Math.abs(value - plain[k][i]) <= tolerance * scale, `weight ${k} [${i}]: fused ${value} vs plain ${plain[k][i]}`);
      if (value !== 0) nonZero++;
    });
  });
  // The comparison means something only if gradients actually flowed to the first conv.
  assert.ok(fused[0].some((v) => v !== 0), 'the first conv kernel got a gradient');
  assert.ok(nonZero > 50, `expected many non-zero gradients; got ${nonZero}`);
}

describe('Conv2D(relu) -> MaxPooling2D run together equal the layer-by-layer forward and backward', () => {
  for (const c of CASES) {
    test(`reference float64: ${c.name}`, () => compare(c, 'reference', 'float64', 1e-12));
  }
  const native = loadNativeBackend();
  for (const c of CASES) {
    test(`native float32: ${c.name}`, { skip: 'error' in native ? native.error : false }, () => compare(c, 'native', 'float32', 1e-5));
  }
});
