/** fit()'s own options (epochs, batchSize, validationSplit) are refused with what was expected and received. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/index.js';
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
