/**
 * A layer that only renames its input's shape (Flatten, Reshape, Input): the
 * samples' values stay in the same NHWC order, so forward and backward hand
 * back the same buffer on every backend, at no cost.
 */
import type { FloatArray } from '../backend/backend.js';
import { Layer, type LayerDetails } from './layer.js';

export abstract class ViewLayer extends Layer {
  forward(x: FloatArray): FloatArray {
    return x;
  }

  backward(dy: FloatArray, _batch: number, needInputGrad: boolean): FloatArray | null {
    return needInputGrad ? dy : null;
  }

  details(): LayerDetails {
    return { formula: '0', flops: 0, window: null, global: false };
  }
}
