/**
 * A central-difference gradient check in float64 on the reference backend,
 * shared by the loss and activation checks: every weight gradient that
 * computeGradients leaves is compared with (L(w + eps) - L(w - eps)) / 2 eps.
 * (test/layers/gradient-check.test.ts has the fuller one, with ReLU-kink and
 * pool-tie skipping; the functions checked with this one are smooth where sampled.)
 */
import { Sequential } from '../../src/index.js';
import type { CompileOptions } from '../../src/model/sequential.js';
import type { Layer } from '../../src/layers/layer.js';
import type { Targets } from '../../src/losses/losses.js';

const EPS = 1e-6;
/** Denominator floor: below it float64 round-off in L(w +/- eps) dominates. */
const FLOOR = 1e-4;

/** The worst relative error over every weight coordinate of a float64 model built from `layers`. */
export function worstGradientError(layers: Layer[], inputShape: number[], loss: CompileOptions['loss'], x: Float64Array, targets: Targets, batch: number): number {
  const model = new Sequential(layers, { backend: 'reference', dtype: 'float64', seed: 3 });
  model.build(inputShape);
  model.compile({ optimizer: 'sgd', loss });
  model.computeGradients(x, targets, batch);
  const analytic = model.weights().map((w) => Float64Array.from(w.grad));
  let worst = 0;
  model.weights().forEach((w, k) => {
    for (let i = 0; i < w.value.length; i++) {
      const saved = w.value[i];
      w.value[i] = saved + EPS;
      const plus = model.computeGradients(x, targets, batch);
      w.value[i] = saved - EPS;
      const minus = model.computeGradients(x, targets, batch);
      w.value[i] = saved;
      const numeric = (plus - minus) / (2 * EPS);
      const a = analytic[k][i];
      worst = Math.max(worst, Math.abs(a - numeric) / Math.max(FLOOR, Math.abs(a) + Math.abs(numeric)));
    }
  });
  return worst;
}
