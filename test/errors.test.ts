/**
 * Every rejected input fails with a message that names the layer or method,
 * says what was expected, shows what was received and, where there is one,
 * says what to do. Each test pins those parts of the message.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, Tensor, layers, referenceBackend, type Backend } from '../src/index.js';

const ref = { backend: 'reference' as const, seed: 1 };

function seedCnn(): Sequential {
  return new Sequential([
    layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ], ref);
}

/** A small compiled model on [4, 4, 1] inputs with 3 classes. */
function small(): Sequential {
  const model = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [4, 4, 1] }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], ref);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

const x4 = (n: number): Tensor => new Tensor(new Float32Array(n * 16), [n, 4, 4, 1]);

describe('layer options', () => {
  for (const filters of [-1, 0, 2.5]) {
    test(`Conv2D filters ${filters}`, () => {
      assert.throws(() => layers.conv2d({ filters, kernelSize: 3 }), (e: Error) => {
        assert.match(e.message, /^Conv2D expects filters to be a positive integer/);
        assert.ok(e.message.includes(`received ${filters}.`), e.message);
        assert.match(e.message, /e\.g\. \{ filters: 32 \}/);
        return true;
      });
    });
  }

  test('Conv2D filters missing', () => {
    assert.throws(() => layers.conv2d({ kernelSize: 3 } as never), /Conv2D expects filters to be a positive integer .*received undefined/);
  });

  test('Dense units 0 and 1.5', () => {
    assert.throws(() => layers.dense({ units: 0 }), /Dense expects units to be a positive integer \(e\.g\. \{ units: 128 \}\); received 0\./);
    assert.throws(() => layers.dense({ units: 1.5 }), /Dense expects units to be a positive integer .*received 1\.5\./);
  });

  test('kernelSize 0, negative, or a bad pair', () => {
    assert.throws(() => layers.conv2d({ filters: 8, kernelSize: 0 }), /Conv2D expects kernelSize to be a positive integer or a pair \[height, width\] of positive integers \(e\.g\. 3 or \[3, 3\]\); received 0\./);
    assert.throws(() => layers.conv2d({ filters: 8, kernelSize: [3, -1] }), /Conv2D expects kernelSize .*received \[3,-1\]\./);
    assert.throws(() => layers.conv2d({ filters: 8, kernelSize: [3, 3, 3] as never }), /Conv2D expects kernelSize .*received \[3,3,3\]\./);
  });

  test('Conv2D strides 0 and unknown padding', () => {
    assert.throws(() => layers.conv2d({ filters: 8, kernelSize: 3, strides: 0 }), /Conv2D expects strides to be a positive integer or a pair .*received 0\./);
    assert.throws(() => layers.conv2d({ filters: 8, kernelSize: 3, padding: 'full' as never }), /Conv2D expects padding to be one of 'valid', 'same'; received "full"\./);
  });

  test('poolSize 0 and pool strides 0', () => {
    assert.throws(() => layers.maxPooling2d({ poolSize: 0 }), /MaxPooling2D expects poolSize to be a positive integer or a pair \[height, width\] .*received 0\./);
    assert.throws(() => layers.maxPooling2d({ poolSize: 2, strides: [0, 1] }), /MaxPooling2D expects strides .*received \[0,1\]\./);
  });

  test('unknown activation lists the choices', () => {
    assert.throws(() => layers.dense({ units: 3, activation: 'relux' as never }), /Dense got an unknown activation "relux"; expected one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax'\./);
    assert.throws(() => layers.conv2d({ filters: 3, kernelSize: 3, activation: 'gelu' as never }), /Conv2D got an unknown activation "gelu"; expected one of .*'relu'/);
  });

  for (const rate of [1, -0.1, 1.5]) {
    test(`Dropout rate ${rate}`, () => {
      assert.throws(() => layers.dropout({ rate }), new RegExp(`Dropout expects rate to be a number in \\[0, 1\\), e\\.g\\. \\{ rate: 0\\.5 \\}; received ${String(rate).replace('.', '\\.')}\\.`));
    });
  }

  test('inputShape that is not a list of positive integers', () => {
    assert.throws(() => layers.dense({ units: 3, inputShape: [28, 0] }), /Dense expects inputShape as a list of positive integers without the batch dimension, e\.g\. \[28, 28, 1\]; received \[28,0\]\./);
    assert.throws(() => layers.flatten({ inputShape: [] }), /Flatten expects inputShape .*received \[\]\./);
  });
});

describe('model structure', () => {
  test('Dense directly on a rank-4 input says to add Flatten', () => {
    assert.throws(
      () => new Sequential([layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [28, 28, 1] }), layers.dense({ units: 10 })], ref),
      /Dense layer "dense" expects input of rank 2 \(batch, features\); received shape \[None, 26, 26, 4\]\. Add a Flatten layer before it\./,
    );
  });

  test('Dense as the first layer on images says to add Flatten', () => {
    assert.throws(() => new Sequential([layers.dense({ units: 10, inputShape: [28, 28, 1] })], ref), /Dense layer "dense" expects input of rank 2 .*received shape \[None, 28, 28, 1\]\. Add a Flatten layer/);
  });

  test('Conv2D on a rank-2 input says to reshape to [N, 28, 28, 1]', () => {
    assert.throws(
      () => new Sequential([layers.conv2d({ filters: 32, kernelSize: 3, inputShape: [784] })], ref),
      /Conv2D layer "conv2d" expects input of rank 4 \(batch, height, width, channels\); received shape \[None, 784\]\. Reshape images to \[N, height, width, channels\], e\.g\. \[N, 28, 28, 1\]\./,
    );
  });

  test('MaxPooling2D on a rank-2 input', () => {
    assert.throws(
      () => new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.maxPooling2d()], ref),
      /MaxPooling2D layer "max_pooling2d" expects input of rank 4 \(batch, height, width, channels\); received shape \[None, 16\]\./,
    );
  });

  test('kernel larger than the input', () => {
    assert.throws(
      () => new Sequential([layers.conv2d({ filters: 2, kernelSize: 5, inputShape: [3, 3, 1] })], ref),
      /Conv2D layer "conv2d" with kernelSize \[5,5\] and padding 'valid' needs an input of at least 5x5; received 3x3\. Use padding 'same' or a smaller kernel\./,
    );
  });

  test('pool larger than the input', () => {
    assert.throws(
      () => new Sequential([layers.maxPooling2d({ poolSize: 3, inputShape: [2, 2, 1] })], ref),
      /MaxPooling2D layer "max_pooling2d" with poolSize \[3,3\] needs an input of at least 3x3; received 2x2\. Use padding 'same'/,
    );
  });

  test('a deep stack that shrinks the map below the kernel names the failing layer', () => {
    assert.throws(
      () => new Sequential([layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }), layers.maxPooling2d({ poolSize: 2 }), layers.conv2d({ filters: 2, kernelSize: 3 })], ref),
      /Conv2D layer "conv2d_1" .*needs an input of at least 3x3; received 1x1\./,
    );
  });

  test('duplicate layer names', () => {
    assert.throws(
      () => new Sequential([layers.flatten({ name: 'same_name', inputShape: [4] }), layers.dense({ units: 2, name: 'same_name' })], ref),
      /Model "sequential" already has a layer named "same_name"; layer names must be unique\./,
    );
  });

  test('inputShape on a non-first layer', () => {
    assert.throws(
      () => new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.dense({ units: 2, inputShape: [16] })], ref),
      /Layer "dense" declares inputShape, but only the first layer of a Sequential model may\./,
    );
  });

  test('reusing a layer that already belongs to a built model', () => {
    const flatten = layers.flatten({ inputShape: [4] });
    new Sequential([flatten], ref);
    assert.throws(() => new Sequential([flatten], ref), /Layer "flatten" \(Flatten\) already belongs to a built model; create a new layer\./);
  });

  test('a rejected add() leaves the model unchanged', () => {
    const model = new Sequential([layers.flatten({ inputShape: [4, 4, 1] })], ref);
    assert.throws(() => model.add(layers.maxPooling2d()), /MaxPooling2D layer "max_pooling2d" expects input of rank 4/);
    assert.deepEqual(model.layers.map((l) => l.name), ['flatten']);
    model.add(layers.dense({ units: 2 }));
    assert.deepEqual(model.outputShape, [2]);
  });

  test('float64 with a backend that does not support it', () => {
    const fake: Backend = { ...referenceBackend(), name: 'fake-simd', supportsFloat64: false };
    assert.throws(
      () => new Sequential([layers.flatten({ inputShape: [4] })], { backend: fake, dtype: 'float64' }),
      /Sequential with dtype 'float64' needs a backend that supports it; 'fake-simd' does not\. Use \{ backend: 'reference' \}\./,
    );
  });

  test('unknown backend name', () => {
    assert.throws(() => new Sequential([], { backend: 'gpu' as never }), /Unknown backend "gpu"; expected one of 'auto', 'native', 'reference'\./);
  });

  test('summary of a model with no input shape says how to give one', () => {
    const model = new Sequential([layers.flatten(), layers.dense({ units: 2 })], ref);
    assert.throws(() => model.summary({ print: () => {} }), /Model "sequential" is not built yet: give the first layer an inputShape \(e\.g\. inputShape: \[28, 28, 1\]\)/);
  });

  test('setWeights with the wrong count or shape', () => {
    const model = small();
    const weights = model.getWeights();
    assert.throws(() => model.setWeights(weights.slice(1)), /setWeights\(\) expects 4 tensors for model "sequential"; received 3\./);
    const wrong = [new Tensor(new Float32Array(18), [3, 3, 2, 1]), ...weights.slice(1)];
    assert.throws(() => model.setWeights(wrong), /setWeights\(\): conv2d\/kernel expects shape \[3, 3, 1, 2\]; received \[3, 3, 2, 1\]\./);
  });
});

describe('compile', () => {
  test('unknown optimizer lists the choices', () => {
    const model = small();
    assert.throws(
      () => model.compile({ optimizer: 'adamw', loss: 'sparse_categorical_crossentropy' }),
      /compile\(\) got an unknown optimizer "adamw"; expected one of 'adam', 'sgd', 'rmsprop' or an optimizer object/,
    );
  });

  test('unknown loss lists the choices', () => {
    const model = small();
    assert.throws(
      () => model.compile({ optimizer: 'adam', loss: 'mse' }),
      /compile\(\) got an unknown loss "mse"; expected one of 'sparse_categorical_crossentropy', 'categorical_crossentropy'\./,
    );
  });

  test('unknown metric', () => {
    const model = small();
    assert.throws(() => model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['f1'] }), /compile\(\) got an unknown metric "f1"; expected 'accuracy'\./);
  });

  test('bad optimizer hyper-parameters', async () => {
    const { Adam, SGD } = await import('../src/index.js');
    assert.throws(() => new Adam({ learningRate: -1 }), /Adam expects learningRate to be a positive finite number such as 0\.001; received -1\./);
    assert.throws(() => new SGD({ momentum: 1 }), /SGD expects momentum in \[0, 1\) such as 0\.9; received 1\./);
  });
});

describe('fit, evaluate, predict data', () => {
  test('fit before compile says to call compile', async () => {
    const model = new Sequential([layers.flatten({ inputShape: [4, 4, 1] }), layers.dense({ units: 3, activation: 'softmax' })], ref);
    await assert.rejects(model.fit(x4(2), [0, 1], { verbose: 0 }), /fit\(\) needs a compiled model: call model\.compile\(\{ optimizer: 'adam', loss: 'sparse_categorical_crossentropy'/);
    assert.throws(() => model.evaluate(x4(2), [0, 1]), /evaluate\(\) needs a compiled model/);
  });

  test('x of shape [32, 784] into a [28, 28, 1] model', async () => {
    const model = seedCnn();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const x = new Tensor(new Float32Array(32 * 784), [32, 784]);
    const expected = /Conv2D layer "conv2d" expects input of rank 4 \(batch, height, width, channels\) and shape \[N, 28, 28, 1\]; received shape \[32, 784\]\. Reshape the data to \[32, 28, 28, 1\]\./;
    await assert.rejects(model.fit(x, new Int32Array(32), { verbose: 0 }), expected);
    assert.throws(() => model.predict(x), expected);
    assert.throws(() => model.evaluate(x, new Int32Array(32)), expected);
  });

  test('x with the right rank but the wrong size', () => {
    const model = small();
    assert.throws(() => model.predict(new Tensor(new Float32Array(2 * 25), [2, 5, 5, 1])), /expects input of rank 4 .*shape \[N, 4, 4, 1\]; received shape \[2, 5, 5, 1\]/);
  });

  test('x that is not a Tensor', async () => {
    const model = small();
    await assert.rejects(model.fit([[1, 2]] as never, [0], { verbose: 0 }), /fit\(\) expects x as a Tensor \(convkit\.tensor\(data, \[N, 4, 4, 1\]\)\); received an array of length 1\./);
  });

  test('labels out of range name the index and the value', async () => {
    const model = small();
    await assert.rejects(
      model.fit(x4(4), [0, 1, 3, 2], { verbose: 0 }),
      /fit\(\): label at index 2 is 3, outside \[0, 2\] for a model with 3 output classes\. Use class indices 0\.\.2, or give the last Dense layer more units\./,
    );
    await assert.rejects(model.fit(x4(2), Int32Array.from([-1, 0]), { verbose: 0 }), /fit\(\): label at index 0 is -1, outside \[0, 2\]/);
    assert.throws(() => model.evaluate(x4(2), [0, 7]), /evaluate\(\): label at index 1 is 7, outside \[0, 2\]/);
  });

  test('non-integer labels', async () => {
    const model = small();
    await assert.rejects(model.fit(x4(2), [0, 1.5], { verbose: 0 }), /fit\(\): label at index 1 is 1\.5; expected an integer class index\./);
  });

  test('labels beyond the Int32 range are not wrapped into valid classes', async () => {
    const model = small();
    // 2^32 + 1 must be rejected, not silently read as class 1.
    await assert.rejects(model.fit(x4(2), [0, 2 ** 32 + 1], { verbose: 0 }), /fit\(\): label at index 1 is 4294967297; expected an integer class index\./);
  });

  test('label count mismatch', async () => {
    const model = small();
    await assert.rejects(model.fit(x4(4), [0, 1, 2], { verbose: 0 }), /fit\(\) received 4 inputs but 3 labels; they must be the same number\./);
  });

  test('categorical targets of the wrong shape or type', async () => {
    const model = small();
    model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    await assert.rejects(
      model.fit(x4(2), new Tensor(new Float32Array(2 * 4), [2, 4]), { verbose: 0 }),
      /fit\(\) with loss 'categorical_crossentropy' expects y of shape \[2, 3\]; received \[2, 4\]\./,
    );
    await assert.rejects(
      model.fit(x4(2), [0, 1], { verbose: 0 }),
      /fit\(\) with loss 'categorical_crossentropy' expects y as a Tensor of shape \[N, 3\] \(one-hot rows\); received an array of length 2\. For class indices use 'sparse_categorical_crossentropy'\./,
    );
  });

  test('validationSplit 1.5 and -0.1', async () => {
    const model = small();
    await assert.rejects(model.fit(x4(4), [0, 1, 2, 0], { validationSplit: 1.5, verbose: 0 }), /fit\(\) expects validationSplit in \[0, 1\), e\.g\. 0\.1; received 1\.5\./);
    await assert.rejects(model.fit(x4(4), [0, 1, 2, 0], { validationSplit: -0.1, verbose: 0 }), /fit\(\) expects validationSplit in \[0, 1\).*received -0\.1\./);
  });

  test('validationSplit that leaves no training samples', async () => {
    const model = small();
    await assert.rejects(model.fit(x4(1), [0], { validationSplit: 0.5, verbose: 0 }), /fit\(\): validationSplit 0\.5 leaves no training samples out of 1\./);
  });

  test('validationSplit together with validationData', async () => {
    const model = small();
    await assert.rejects(
      model.fit(x4(4), [0, 1, 2, 0], { validationSplit: 0.5, validationData: [x4(2), [0, 1]], verbose: 0 }),
      /fit\(\) got both validationSplit and validationData; give one of them\./,
    );
  });

  test('bad validationData is reported as such', async () => {
    const model = small();
    await assert.rejects(model.fit(x4(4), [0, 1, 2, 0], { validationData: [x4(2), [0, 5]], verbose: 0 }), /fit \(validationData\)\(\): label at index 1 is 5/);
  });

  test('epochs 0 and batchSize 1.5', async () => {
    const model = small();
    await assert.rejects(model.fit(x4(2), [0, 1], { epochs: 0, verbose: 0 }), /fit\(\) expects epochs to be a positive integer; received 0\./);
    await assert.rejects(model.fit(x4(2), [0, 1], { batchSize: 1.5, verbose: 0 }), /fit\(\) expects batchSize to be a positive integer; received 1\.5\./);
  });

  test('no samples', () => {
    const model = small();
    assert.throws(() => model.predict(new Tensor(new Float32Array(0), [0, 4, 4, 1])), /predict\(\) received no samples \(x has shape \[0, 4, 4, 1\]\)\./);
  });

  test('Tensor data that does not match its shape', () => {
    assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), /Tensor data length does not match its shape: shape \[2, 3\] needs 6 values; received 5\./);
  });
});

test('useBias must be a boolean and a layer name one path segment', () => {
  assert.throws(() => layers.dense({ units: 2, useBias: 'no' as unknown as boolean }), /Dense expects useBias to be true or false; received "no"/);
  assert.throws(() => layers.conv2d({ filters: 2, kernelSize: 3, useBias: 1 as unknown as boolean }), /Conv2D expects useBias to be true or false; received 1/);
  assert.throws(() => layers.dense({ units: 2, name: 'a/b' }), /Dense expects name to be letters, digits, '_', '.' or '-'; received "a\/b"/);
});
