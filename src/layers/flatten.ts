/** Flatten: [N, ...] -> [N, product(...)]. NHWC is already row-major, so no data moves. */
import { ViewLayer } from './view-layer.js';
import type { BuildContext, LayerPlan } from './layer.js';
import { CHANNELS_LAST, type LayerDescriptor } from './layer-descriptor.js';
import { knownLayerOptions } from './validate-options.js';

export class Flatten extends ViewLayer {
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
