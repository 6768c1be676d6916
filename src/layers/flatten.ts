/** Flatten: [N, ...] -> [N, product(...)]. NHWC is already row-major, so no data moves. */
import type { FloatArray } from '../backend/backend.js';
import { Layer, type BuildContext, type LayerPlan, type LayerDetails } from './layer.js';

export class Flatten extends Layer {
  readonly className = 'Flatten';
  readonly namePrefix = 'flatten';

  constructor(options: { inputShape?: readonly number[]; name?: string } = {}) {
    super(options);
  }

  plan(inputShape: readonly number[]): LayerPlan {
    return { weights: [], outputShape: [inputShape.reduce((a, b) => a * b, 1)] };
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    return this.plan(inputShape).outputShape;
  }

  forward(x: FloatArray): FloatArray {
    return x;
  }

  backward(dy: FloatArray, _batch: number, needInputGrad: boolean): FloatArray | null {
    return needInputGrad ? dy : null;
  }

  details(): LayerDetails {
    return { formula: '0', flops: 0, window: null, global: false };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, inputShape: this.declaredInputShape };
  }
}
