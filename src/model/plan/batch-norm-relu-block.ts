/**
 * The fused block BatchNormalization + Activation('relu'): the relu runs in
 * the normalisation's own pass over the data (channelAffine with relu), and
 * its mask in the normalisation's backward (batchNormBackprop with the
 * block's output), so neither the pre-relu tensor nor a separate relu pass
 * over it exists. Same results as the two layers apart: relu(v) and the mask
 * v > 0 of the same v (test/model/plan/batch-norm-relu-block.test.ts).
 */
import type { FloatArray } from '../../backend/backend.js';
import type { BatchNormalization } from '../../layers/batch-normalization.js';
import type { Layer } from '../../layers/layer.js';
import type { PlanStep } from './plan-step.js';

export class BatchNormReluBlock implements PlanStep {
  constructor(
    readonly layers: readonly Layer[],
    private readonly norm: BatchNormalization,
  ) {}

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    return this.norm.normalize(x, batch, training, 'relu');
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    const dx = this.norm.backpropagate(dy, batch, this.norm.lastOutput());
    return needInputGrad ? dx : null;
  }
}
