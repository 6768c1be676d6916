/**
 * Float64 central-difference gradient checks of every loss, through a Dense
 * layer on the reference backend: binary cross-entropy from probabilities
 * (sigmoid output) and from logits, with and without label smoothing; mse and
 * mae; categorical cross-entropy with label smoothing, fused with the softmax
 * and from logits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layers } from '../../src/index.js';
import { Random } from '../../src/core/random.js';
import type { CompileOptions } from '../../src/model/sequential.js';
import { worstGradientError } from '../model/finite-difference.js';

const BATCH = 5, FEATURES = 4, OUTPUTS = 3;

function data(seed: number, binaryTargets: boolean): { x: Float64Array; y: Float64Array } {
  const random = new Random(seed);
  const x = Float64Array.from({ length: BATCH * FEATURES }, () => random.uniform(-1, 1));
  const y = Float64Array.from({ length: BATCH * OUTPUTS }, () => (binaryTargets ? random.int(2) : random.uniform(-1, 1)));
  return { x, y };
}

function oneHot(seed: number): Float64Array {
  const random = new Random(seed), y = new Float64Array(BATCH * OUTPUTS);
  for (let r = 0; r < BATCH; r++) y[r * OUTPUTS + random.int(OUTPUTS)] = 1;
  return y;
}

const cases: { title: string; activation: 'sigmoid' | 'linear' | 'softmax' | 'tanh'; loss: CompileOptions['loss']; targets: 'binary' | 'values' | 'onehot' }[] = [
  { title: 'binary_crossentropy on a sigmoid output', activation: 'sigmoid', loss: 'binary_crossentropy', targets: 'binary' },
  { title: 'binary_crossentropy with labelSmoothing 0.2', activation: 'sigmoid', loss: { name: 'binary_crossentropy', labelSmoothing: 0.2 }, targets: 'binary' },
  { title: 'binary_crossentropy fromLogits', activation: 'linear', loss: { name: 'binary_crossentropy', fromLogits: true }, targets: 'binary' },
  { title: 'binary_crossentropy fromLogits with labelSmoothing 0.1', activation: 'linear', loss: { name: 'binary_crossentropy', fromLogits: true, labelSmoothing: 0.1 }, targets: 'binary' },
  { title: 'mean_squared_error', activation: 'tanh', loss: 'mse', targets: 'values' },
  { title: 'mean_absolute_error', activation: 'linear', loss: 'mae', targets: 'values' },
  { title: 'categorical_crossentropy with labelSmoothing, fused with softmax', activation: 'softmax', loss: { name: 'categorical_crossentropy', labelSmoothing: 0.2 }, targets: 'onehot' },
  { title: 'categorical_crossentropy with labelSmoothing, fromLogits', activation: 'linear', loss: { name: 'categorical_crossentropy', fromLogits: true, labelSmoothing: 0.3 }, targets: 'onehot' },
];

for (const c of cases) {
  test(`gradient check: ${c.title}`, () => {
    const { x, y } = data(11, c.targets === 'binary');
    const targets = c.targets === 'onehot' ? oneHot(12) : y;
    const worst = worstGradientError([layers.dense({ units: OUTPUTS, activation: c.activation })], [FEATURES], c.loss, x, targets, BATCH);
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
  });
}
