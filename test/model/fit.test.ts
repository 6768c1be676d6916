/** fit()'s own options (epochs, batchSize, validationSplit) are refused with what was expected and received. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, Sequential } from '../../src/index.js';
import { smallClassifier, zeroImages4x4 } from './small-models.js';

test('validationSplit 1.5 and -0.1', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit(zeroImages4x4(4), [0, 1, 2, 0], { validationSplit: 1.5, verbose: 0 }), /fit\(\) expects validationSplit in \[0, 1\), e\.g\. 0\.1; received 1\.5\./);
  await assert.rejects(model.fit(zeroImages4x4(4), [0, 1, 2, 0], { validationSplit: -0.1, verbose: 0 }), /fit\(\) expects validationSplit in \[0, 1\).*received -0\.1\./);
});

test('validationSplit that leaves no training samples', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit(zeroImages4x4(1), [0], { validationSplit: 0.5, verbose: 0 }), /fit\(\): validationSplit 0\.5 leaves no training samples out of 1\./);
});

test('validationSplit together with validationData', async () => {
  const model = smallClassifier();
  await assert.rejects(
    model.fit(zeroImages4x4(4), [0, 1, 2, 0], { validationSplit: 0.5, validationData: [zeroImages4x4(2), [0, 1]], verbose: 0 }),
    /fit\(\) got both validationSplit and validationData; give one of them\./,
  );
});

test('epochs 0 and batchSize 1.5', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { epochs: 0, verbose: 0 }), (e: unknown) => e instanceof ConfigError && /fit\(\) expects epochs to be a positive integer; received 0\./.test(e.message));
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { batchSize: 1.5, verbose: 0 }), /fit\(\) expects batchSize to be a positive integer; received 1\.5\./);
});

test('predict() and evaluate() refuse a batchSize that is not a positive integer (0 used to loop forever)', async () => {
  const model = smallClassifier();
  const x = zeroImages4x4(3);
  for (const batchSize of [0, -1, 0.5, NaN, Infinity, '8' as unknown as number]) {
    const received = typeof batchSize === 'string' ? '"8"' : String(batchSize);
    await assert.rejects(() => model.predict(x, { batchSize }), (e: unknown) => e instanceof ConfigError && e.message === `predict() expects batchSize to be a positive integer such as 32; received ${received}.`);
    await assert.rejects(() => model.evaluate(x, [0, 1, 2], { batchSize }), (e: unknown) => e instanceof ConfigError && e.message === `evaluate() expects batchSize to be a positive integer such as 32; received ${received}.`);
  }
  assert.equal((await model.predict(x, { batchSize: 2 })).shape[0], 3);
});

test('fit() refuses verbose, shuffle and initialEpoch of the wrong kind', async () => {
  const model = smallClassifier();
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { verbose: 3 as 0 }), (e: unknown) => e instanceof ConfigError && /fit\(\) expects verbose to be 0, 1 or 2; received 3\./.test(e.message));
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { verbose: 0, shuffle: 'no' as unknown as boolean }), /fit\(\) expects shuffle to be true or false; received "no"\./);
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { verbose: 0, epochs: NaN }), /fit\(\) expects epochs to be a positive integer; received NaN\./);
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { verbose: 0, initialEpoch: 0.5 }), /fit\(\) expects initialEpoch to be a non-negative integer; received 0\.5\./);
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { verbose: 0, validationSplit: NaN }), /fit\(\) expects validationSplit in \[0, 1\), e\.g\. 0\.1; received NaN\./);
  await assert.rejects(model.fit(zeroImages4x4(2), [0, 1], { verbose: 0, validationSplit: '0.5' as unknown as number }), /fit\(\) expects validationSplit in \[0, 1\), e\.g\. 0\.1; received "0\.5"\./);
});

test('a batchSize above the number of samples is clamped to it, as in Keras: a huge one allocates nothing of its size', async () => {
  const model = smallClassifier();
  const history = await model.fit(zeroImages4x4(5), [0, 1, 2, 0, 1], { epochs: 2, batchSize: 2 ** 30, verbose: 0 });
  assert.equal(history.epoch.length, 2);
  assert.equal(history.params.steps, 1);
  assert.equal((await model.evaluate(zeroImages4x4(5), [0, 1, 2, 0, 1], { batchSize: 2 ** 30 })).loss > 0, true);
  assert.equal((await model.predict(zeroImages4x4(5), { batchSize: 2 ** 40 })).shape[0], 5);
});

test('a seed that a model file could not store exactly is refused at construction', () => {
  for (const seed of [0.5, 2 ** 60, '42' as unknown as number]) {
    assert.throws(() => new Sequential([], { seed, backend: 'reference' }), (e: unknown) => e instanceof ConfigError && /Random expects an integer seed between -\(2\^53 - 1\) and 2\^53 - 1; received/.test(e.message));
  }
});

test('trainStep() refuses a batch that is not a positive integer before it reaches a kernel', () => {
  const model = smallClassifier();
  for (const batch of [0, 0.5, NaN]) {
    assert.throws(() => model.trainStep(new Float32Array(16), new Int32Array(1), batch), (e: unknown) => e instanceof ConfigError && /^trainStep\(\) expects batch to be a positive integer; received/.test(e.message));
  }
});
