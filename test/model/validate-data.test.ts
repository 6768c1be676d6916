/** The data given to fit, evaluate and predict: each rejected x or y names the method, what was expected and what was received. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, ShapeError, Tensor } from '../../src/index.js';
import { labShapedCnn, smallClassifier, zeroImages4x4 } from './small-models.js';

test('x of shape [32, 784] into a [28, 28, 1] model', async () => {
  const model = labShapedCnn();
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const x = new Tensor(new Float32Array(32 * 784), [32, 784]);
  const expected = /Conv2D layer "conv2d" expects input of rank 4 \(batch, height, width, channels\) and shape \[N, 28, 28, 1\]; received shape \[32, 784\]\. Reshape the data to \[32, 28, 28, 1\]\./;
  await assert.rejects(model.fit(x, new Int32Array(32), { verbose: 0 }), expected);
  await assert.rejects(() => model.predict(x), expected);
  await assert.rejects(() => model.evaluate(x, new Int32Array(32)), expected);
});

test('x with the right rank but the wrong size', async () => {
  const model = smallClassifier();
  await assert.rejects(() => model.predict(new Tensor(new Float32Array(2 * 25), [2, 5, 5, 1])), (e: unknown) => e instanceof ShapeError && /expects input of rank 4 .*shape \[N, 4, 4, 1\]; received shape \[2, 5, 5, 1\]/.test(e.message));
});

test('x that is not a Tensor', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit([[1, 2]] as never, [0], { verbose: 0 }), /fit\(\) expects x as a Tensor \(convkit\.tensor\(data, \[N, 4, 4, 1\]\)\); received an array of length 1\./);
});

test('labels out of range name the index and the value', async () => {
  const model = smallClassifier();
  await assert.rejects(
    model.fit(zeroImages4x4(4), [0, 1, 3, 2], { verbose: 0 }),
    /fit\(\): label at index 2 is 3, outside \[0, 2\] for a model with 3 output classes\. Use class indices 0\.\.2, or give the last Dense layer more units\./,
  );
  await assert.rejects(model.fit(zeroImages4x4(2), Int32Array.from([-1, 0]), { verbose: 0 }), (e: unknown) => e instanceof DataError && /fit\(\): label at index 0 is -1, outside \[0, 2\]/.test(e.message));
  await assert.rejects(() => model.evaluate(zeroImages4x4(2), [0, 7]), (e: unknown) => e instanceof DataError && /evaluate\(\): label at index 1 is 7, outside \[0, 2\]/.test(e.message));
});

test('non-integer labels', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1.5], { verbose: 0 }), /fit\(\): label at index 1 is 1\.5; expected an integer class index\./);
});

test('labels beyond the Int32 range are not wrapped into valid classes', async () => {
  const model = smallClassifier();
  // 2^32 + 1 must be rejected, not silently read as class 1.
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 2 ** 32 + 1], { verbose: 0 }), /fit\(\): label at index 1 is 4294967297; expected an integer class index\./);
});

test('label count mismatch', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit(zeroImages4x4(4), [0, 1, 2], { verbose: 0 }), /fit\(\) received 4 inputs but 3 labels; they must be the same number\./);
});

test('categorical targets of the wrong shape or type', async () => {
  const model = smallClassifier();
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
  await assert.rejects(
    model.fit(zeroImages4x4(2), new Tensor(new Float32Array(2 * 4), [2, 4]), { verbose: 0 }),
    /fit\(\) with loss 'categorical_crossentropy' expects y of shape \[2, 3\]; received \[2, 4\]\./,
  );
  await assert.rejects(
    model.fit(zeroImages4x4(2), [0, 1], { verbose: 0 }),
    /fit\(\) with loss 'categorical_crossentropy' expects y as a Tensor of shape \[N, 3\] \(one-hot rows\); received an array of length 2\. For class indices use 'sparse_categorical_crossentropy'\./,
  );
});

test('bad validationData is reported as such', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit(zeroImages4x4(4), [0, 1, 2, 0], { validationData: [zeroImages4x4(2), [0, 5]], verbose: 0 }), /fit \(validationData\)\(\): label at index 1 is 5/);
});

test('no samples', async () => {
  const model = smallClassifier();
  await assert.rejects(() => model.predict(new Tensor(new Float32Array(0), [0, 4, 4, 1])), /predict\(\) received no samples \(x has shape \[0, 4, 4, 1\]\)\./);
});
