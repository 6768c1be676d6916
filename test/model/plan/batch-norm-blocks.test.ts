/**
 * The plan's BatchNormalization blocks (model/plan/conv-batch-norm-block.ts,
 * batch-norm-relu-block.ts): which layers they take and what the plan says;
 * in training they compute exactly what the layers compute one by one (bit
 * for bit, in float64 on the reference backend), and in inference the folded
 * convolution (with the fused conv + relu + max-pool kernel on native) agrees
 * with the layers one by one within float rounding. The gradients through
 * both blocks are checked in test/layers/gradient-check.test.ts.
 * N batch, H, W, C channels.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers } from '../../../src/index.js';
import type { FloatArray } from '../../../src/backend/backend.js';
import type { Layer } from '../../../src/layers/layer.js';
import { Random } from '../../../src/core/random.js';
import { loadNativeBackend } from '../../../src/backend/native/index.js';
import { maxAbsDiff } from '../../io/tfjs-onnx-fixtures.js';

const native = loadNativeBackend();
const skipNative = 'error' in native ? native.error : false;

function modernStack(): Layer[] {
  return [
    layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same' }), layers.batchNormalization(), layers.activation('relu'),
    layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }), layers.batchNormalization(), layers.activation('relu'), layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d({ filters: 5, kernelSize: 3, useBias: false }), layers.batchNormalization({ center: false }),
    layers.globalAveragePooling2d(), layers.dense({ units: 7 }), layers.batchNormalization(), layers.activation('relu'),
    layers.dense({ units: 3, activation: 'softmax' }),
  ];
}

function compiled(backend: 'native' | 'reference', dtype: 'float32' | 'float64'): Sequential {
  const model = new Sequential(modernStack(), { backend, dtype, seed: 4 });
  model.build([10, 10, 3]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  return model;
}

function inputs(model: Sequential, batch: number): FloatArray {
  const random = new Random(17);
  const values = Array.from({ length: batch * 300 }, () => random.uniform(-1, 1));
  return model.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
}

/** The layers' own forward passes, one by one (no plan). */
function layerByLayer(model: Sequential, x: FloatArray, batch: number, training: boolean): FloatArray {
  let out = x;
  for (const layer of model.layers) out = layer.forward(out, batch, training);
  return out;
}

/** Trains a few steps so that gamma, beta and the moving statistics are no longer their initial values. */
async function trained(model: Sequential, x: FloatArray, batch: number): Promise<void> {
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 3);
  for (let step = 0; step < 3; step++) model.computeGradients(x, labels, batch);
  model.optimizer!.applyGradients(model.backend, model.weights());
}

describe('the BatchNormalization blocks', () => {
  test('the plan takes conv + batchnorm [+ relu [+ pool]] and batchnorm + relu as blocks, and says which kernels run', () => {
    const model = compiled('reference', 'float32');
    assert.deepEqual(model.plan.decisions.map((d) => [d.layers.length, d.rule]), [
      [3, 'conv-batchnorm'], [4, 'conv-batchnorm'], [2, 'conv-batchnorm'], [1, null], [1, null], [2, 'batchnorm-relu'], [1, null],
    ]);
    const text = model.summary({ plan: true, print: () => {} });
    assert.match(text, /conv2d_1 \+ batch_normalization_1 \+ activation_1 \+ max_pooling2d: fused conv-batchnorm: training conv2d, batch statistics, channelAffine \+ relu; inference conv2d on the folded kernel, then maxPool \(not fused: backend 'reference' has no fused conv \+ relu \+ max-pool kernels\)/);
  });

  test('a conv with an activation does not fold: the plan says why', () => {
    const model = new Sequential([layers.conv2d({ filters: 4, kernelSize: 3, activation: 'tanh', inputShape: [6, 6, 1] }), layers.batchNormalization()], { backend: 'reference' });
    assert.deepEqual(model.plan.decisions[0].notApplied, [
      'conv-relu-maxpool: activation is tanh; the block needs relu (in the conv or as Activation(\'relu\') right after it)',
      'conv-batchnorm: activation is tanh; folding BatchNormalization into the conv needs linear',
    ]);
    assert.deepEqual(model.plan.decisions[1].notApplied, ['batchnorm-relu: followed by nothing, not Activation(\'relu\')']);
  });

  test('training through the blocks is the layers one by one, bit for bit (float64, reference)', async () => {
    const model = compiled('reference', 'float64');
    const x = inputs(model, 6);
    await trained(model, x, 6);
    const planned = Array.from(model.forwardBatch(x, 6, true));
    assert.deepEqual(planned, Array.from(layerByLayer(model, x, 6, true)));
  });

  test('backward through conv + batchnorm + relu + pool (the relu mask on the pooled gradient) is the layers one by one, bit for bit', () => {
    const model = new Sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), layers.batchNormalization(), layers.activation('relu'), layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(), layers.dense({ units: 3, activation: 'softmax' }),
    ], { backend: 'reference', dtype: 'float64', seed: 6 });
    model.build([6, 6, 2]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    assert.equal(model.plan.decisions[0].rule, 'conv-batchnorm');
    const batch = 4, random = new Random(5);
    const x = Float64Array.from({ length: batch * 72 }, () => random.uniform(-1, 1));
    const labels = Int32Array.from({ length: batch }, (_, i) => i % 3);
    model.computeGradients(x, labels, batch);
    const planned = model.weights().map((w) => Array.from(w.grad));
    // The same step with every layer's own forward and backward, the relu masking at full size.
    const [conv, norm, relu, pool, flatten, dense] = model.layers;
    let out: FloatArray = x;
    for (const layer of model.layers) out = layer.forward(out, batch, true);
    const logits = (dense as unknown as { lastLogits(): FloatArray }).lastLogits();
    const dlogits = new Float64Array(batch * 3);
    model.backend.softmaxCrossEntropySparse(logits, labels, new Float64Array(batch * 3), dlogits, batch, 3, 1 / batch);
    let g = (dense as unknown as { backwardFromPreActivation(d: FloatArray, b: number, n: boolean): FloatArray }).backwardFromPreActivation(dlogits, batch, true)!;
    for (const layer of [flatten, pool, relu, norm]) g = layer.backward(g, batch, true)!;
    conv.backward(g, batch, false);
    assert.deepEqual(model.weights().map((w) => Array.from(w.grad)), planned);
    assert.ok(planned[0].some((v) => v !== 0), 'the conv kernel got a gradient');
  });

  for (const backend of ['reference', 'native'] as const) {
    test(`inference folds BatchNormalization into the conv: the same outputs as the layers one by one (${backend})`, { skip: backend === 'native' && skipNative }, async () => {
      const dtype = backend === 'native' ? 'float32' : 'float64';
      const model = compiled(backend, dtype);
      const x = inputs(model, 6);
      await trained(model, x, 6);
      const planned = model.forwardBatch(x, 6, false).slice();
      const separate = layerByLayer(model, x, 6, false);
      const diff = maxAbsDiff(planned, separate);
      assert.ok(diff <= (dtype === 'float64' ? 1e-12 : 1e-5), `folded vs separate: ${diff}`);
      if (backend === 'native') {
        assert.match(model.summary({ plan: true, print: () => {} }), /max_pooling2d: fused conv-batchnorm: training conv2d, batch statistics, channelAffine \+ relu; inference conv2dReluMaxPool \(Winograd F\(\dx\d, 3x3\)\) on the folded kernel/);
      }
    });
  }
});
