/**
 * One step of a model's execution plan: one layer, or a block of layers run
 * together. Steps take and return flat NHWC buffers the way layers do
 * (layers/layer.ts): forward caches what backward needs, buffers are reused
 * between calls, and backward may overwrite the `dy` it is given.
 */
import type { FloatArray } from '../../backend/backend.js';
import type { Layer } from '../../layers/layer.js';

export interface PlanStep {
  /** The model's layers this step runs, in order. */
  readonly layers: readonly Layer[];
  forward(x: FloatArray, batch: number, training: boolean): FloatArray;
  /** dL/d(step input), or null when needInputGrad is false (the first step needs none). */
  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null;
}

/** A layer on its own: its forward and backward as they are. */
export class LayerStep implements PlanStep {
  readonly layers: readonly Layer[];

  constructor(readonly layer: Layer) {
    this.layers = [layer];
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    return this.layer.forward(x, batch, training);
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    return this.layer.backward(dy, batch, needInputGrad);
  }
}
