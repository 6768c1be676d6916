/**
 * The model's execution plan (model/plan/): which layers run as one block,
 * which fused kernels the block runs and why not, as summary({ plan: true })
 * lists it; and Conv2D(linear) -> Activation('relu') -> MaxPooling2D running
 * exactly as Conv2D(activation='relu') -> MaxPooling2D does, bit for bit.
 * N batch, H, W, C channels.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, Tensor, layers } from '../../../src/index.js';
import { Activation } from '../../../src/layers/activation.js';
import type { Layer } from '../../../src/layers/layer.js';
import { Random } from '../../../src/core/random.js';
import { loadNativeBackend } from '../../../src/backend/native/index.js';
import { createLabCnn } from '../../../src/apps/lab/lab-models.js';

const native = loadNativeBackend();
const skipNative = 'error' in native ? native.error : false;

function planText(model: Sequential): string {
  return model.summary({ plan: true, print: () => {} });
}

function compiled(stack: Layer[], backend: 'native' | 'reference', inputShape: number[], dtype: 'float32' | 'float64' = 'float32'): Sequential {
  const model = new Sequential(stack, { backend, dtype, seed: 3 });
  model.build(inputShape);
  model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  return model;
}

describe('what the plan fuses, and why not', () => {
  test('the lab CNN on native: both conv + pool pairs fused, forward and backward, and the softmax with the loss', { skip: skipNative }, () => {
    const model = createLabCnn({ seed: 1, backend: 'native' });
    const blocks = model.plan.decisions.filter((d) => d.rule !== null);
    assert.deepEqual(blocks.map((d) => d.layers.join(' + ')), ['conv2d + max_pooling2d', 'conv2d_1 + max_pooling2d_1']);
    for (const block of blocks) assert.ok(block.kernels.every((k) => k.kernel !== null), JSON.stringify(block.kernels));
    assert.equal(model.plan.steps.length, 5);
    const text = planText(model);
    assert.match(text, /1\. conv2d \+ max_pooling2d: fused conv-relu-maxpool: forward conv2dReluMaxPool \(direct, 1 input channel\); backward maxPoolConv2dBackprop/);
    assert.match(text, /2\. conv2d_1 \+ max_pooling2d_1: fused conv-relu-maxpool: forward conv2dReluMaxPool \(Winograd/);
    assert.match(text, /fused softmax-cross-entropy: sparse_categorical_crossentropy reads the logits/);
  });

  test('the reference backend forms the same blocks and says it has no fused kernels', () => {
    const text = planText(createLabCnn({ seed: 1, backend: 'reference' }));
    assert.match(text, /conv2d \+ max_pooling2d: block conv-relu-maxpool: not fused: backend 'reference' has no fused conv \+ relu \+ max-pool kernels/);
  });

  test('a 3x3 pool forms a block that does not fuse, and the plan says why', { skip: skipNative }, () => {
    const model = compiled([
      layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), layers.maxPooling2d({ poolSize: 3 }),
      layers.flatten(), layers.dense({ units: 4, activation: 'softmax' }),
    ], 'native', [20, 20, 1]);
    assert.match(planText(model), /2\. conv2d_1 \+ max_pooling2d_1: block conv-relu-maxpool: not fused: pool is 3x3, the fused kernels need 2x2/);
  });

  test('layers the block rule looks at and cannot take say why', () => {
    const model = compiled([
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'tanh' }), layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), layers.dropout({ rate: 0.5 }), layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(), layers.dense({ units: 3, activation: 'sigmoid' }),
    ], 'reference', [12, 12, 2]);
    assert.equal(model.plan.steps.length, 7, 'no block formed');
    const text = planText(model);
    assert.match(text, /1\. conv2d: not fused: conv-relu-maxpool: activation is tanh; the block needs relu/);
    assert.match(text, /3\. conv2d_1: not fused: conv-relu-maxpool: followed by dropout \(Dropout\), not a MaxPooling2D/);
    // A sigmoid output is the sigmoid rule's: it names the loss that keeps it from fusing.
    assert.match(text, /sigmoid-binary-cross-entropy: not fused: sparse_categorical_crossentropy is not binary cross-entropy, so it reads the sigmoid output/);
    const tanh = compiled([layers.flatten(), layers.dense({ units: 3, activation: 'tanh' })], 'reference', [4, 4, 1]);
    assert.match(planText(tanh), /softmax-cross-entropy: not fused: the last layer's activation is tanh, not softmax/);
  });

  test('a loss compiled with fromLogits does not take the softmax logits, and the plan says so', () => {
    const model = createLabCnn({ seed: 1, backend: 'reference' });
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', lossOptions: { fromLogits: true } });
    assert.match(planText(model), /softmax-cross-entropy: not fused: the loss is compiled with fromLogits/);
  });

  test('a loss that is not a categorical cross-entropy reads the softmax output, and the plan says so', () => {
    const model = createLabCnn({ seed: 1, backend: 'reference' });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    assert.match(planText(model), /softmax-cross-entropy: not fused: mean_squared_error is not a categorical cross-entropy, so it reads the softmax output/);
  });

  test('adding a layer compiles the plan again', () => {
    const model = new Sequential([layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] })], { backend: 'reference' });
    assert.equal(model.plan.steps.length, 1);
    model.add(layers.maxPooling2d({ poolSize: 2 }));
    assert.deepEqual(model.plan.decisions.map((d) => d.rule), ['conv-relu-maxpool']);
  });
});

/** Conv(relu) -> pool as one layer or as Conv(linear) -> Activation(relu) -> pool, both blocks fed by a first conv. */
function convStack(separateRelu: boolean): Layer[] {
  const conv = separateRelu
    ? [layers.conv2d({ filters: 8, kernelSize: 3 }), new Activation('relu')]
    : [layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' })];
  return [
    layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), layers.maxPooling2d({ poolSize: 2 }),
    ...conv, layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(), layers.dense({ units: 5 }), new Activation('softmax'),
  ];
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

function compareSeparateRelu(backend: 'native' | 'reference', dtype: 'float32' | 'float64'): Sequential {
  const inOne = compiled(convStack(false), backend, [16, 16, 1], dtype);
  const separate = compiled(convStack(true), backend, [16, 16, 1], dtype);
  separate.setWeights(inOne.getWeights());
  const random = new Random(8);
  const batch = 6;
  const x = dtype === 'float64' ? new Float64Array(batch * 256) : new Float32Array(batch * 256);
  for (let i = 0; i < x.length; i++) x[i] = random.uniform(0, 1);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 5);
  assert.equal(separate.computeGradients(x, labels, batch), inOne.computeGradients(x, labels, batch), 'loss');
  const weights = separate.weights(), reference = inOne.weights();
  weights.forEach((w, k) => sameBits(w.grad, reference[k].grad, `${w.name} gradient`));
  assert.ok(weights[0].grad.some((v) => v !== 0), 'gradients reached the first conv');
  sameBits(separate.forwardBatch(x, batch, false), inOne.forwardBatch(x, batch, false), 'predictions');
  return separate;
}

describe("Conv2D(linear) -> Activation('relu') -> MaxPooling2D runs as Conv2D(activation='relu') -> MaxPooling2D", () => {
  test('native: it fuses into the same kernels, with bit-identical outputs and gradients', { skip: skipNative }, () => {
    const model = compareSeparateRelu('native', 'float32');
    const block = model.plan.decisions[1];
    assert.deepEqual(block.layers, ['conv2d_1', 'activation', 'max_pooling2d_1']);
    assert.equal(block.rule, 'conv-relu-maxpool');
    assert.ok(block.kernels.every((k) => k.kernel !== null), JSON.stringify(block.kernels));
    assert.match(planText(model), /2\. conv2d_1 \+ activation \+ max_pooling2d_1: fused conv-relu-maxpool: forward conv2dReluMaxPool \(Winograd/);
  });

  test('reference float64: the same block, bit-identical outputs and gradients; the Activation softmax feeds the loss logits', () => {
    const model = compareSeparateRelu('reference', 'float64');
    assert.equal(model.plan.decisions[1].rule, 'conv-relu-maxpool');
    assert.equal(model.plan.softmaxOutput, model.layers[model.layers.length - 1]);
    assert.match(planText(model), /fused softmax-cross-entropy/);
  });
});

test('setWinograd after training recompiles the plan: the next fit runs, and the plan says why conv2 no longer fuses its forward', { skip: skipNative }, async () => {
  if ('error' in native) return;
  const backend = native.backend, saved = backend.winograd;
  const model = createLabCnn({ seed: 1, backend });
  const random = new Random(4);
  const x = new Float32Array(16 * 784).map(() => random.uniform(0, 1));
  const y = Int32Array.from({ length: 16 }, (_, i) => i % 10);
  try {
    await model.fit(new Tensor(x, [16, 28, 28, 1]), y, { epochs: 1, batchSize: 8, verbose: 0 });
    backend.setWinograd(0);
    assert.match(planText(model), /conv2d_1 \+ max_pooling2d_1: .*forward not fused: .*Winograd is off/);
    const history = await model.fit(new Tensor(x, [16, 28, 28, 1]), y, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.ok(Number.isFinite(history.history.loss[0]));
  } finally {
    backend.setWinograd(saved);
  }
  assert.match(planText(model), /conv2d_1 \+ max_pooling2d_1: fused conv-relu-maxpool: forward conv2dReluMaxPool \(Winograd/);
});
