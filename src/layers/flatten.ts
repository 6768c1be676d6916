/** Flatten: [N, ...] -> [N, product(...)]. NHWC is already row-major, so no data moves. */
import type { FloatArray } from '../backend/backend.js';
import { Layer, type BuildContext, type LayerPlan, type LayerDetails } from './layer.js';
import { CHANNELS_LAST, type LayerDescriptor } from './layer-descriptor.js';
import { knownLayerOptions } from './validate-options.js';

export class Flatten extends Layer {
  readonly className = 'Flatten';
  readonly namePrefix = 'flatten';

  constructor(options: { inputShape?: readonly number[]; name?: string; trainable?: boolean } = {}) {
    super(options);
    knownLayerOptions('Flatten', options, []);
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

export const flattenDescriptor: LayerDescriptor<Flatten> = {
  className: 'Flatten',
  config: [{ name: 'name', keras: 'name' }],
  fixed: [CHANNELS_LAST],
  example: {},
  create: (options) => new Flatten(options as never),
  onnx(layer, graph) {
    // NHWC first, so the flattened order is Keras' (h, w, c) and the Dense kernels apply unchanged.
    graph.toLayout('NHWC', `${layer.name}/to_nhwc`);
    graph.add(`${layer.name}/Flatten`, 'Flatten', [], [{ name: 'axis', int: 1 }]);
  },
};
