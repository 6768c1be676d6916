/** GlobalAveragePooling2D: y[N,C] = mean over H and W of x[N,H,W,C], as Keras (keepdims false). */
import type { FloatArray } from '../backend/backend.js';
import { shapeSize } from '../core/tensor.js';
import type { LayerDetails } from './layer.js';
import { CHANNELS_LAST, type LayerDescriptor } from './layer-descriptor.js';
import { GlobalPooling2D, KEEPDIMS_FALSE, onnxGlobalReduce, type GlobalPooling2DOptions } from './global-pooling.js';

export type { GlobalPooling2DOptions } from './global-pooling.js';

export class GlobalAveragePooling2D extends GlobalPooling2D {
  readonly className = 'GlobalAveragePooling2D';
  readonly namePrefix = 'global_average_pooling2d';

  constructor(options: GlobalPooling2DOptions = {}) {
    super('GlobalAveragePooling2D', options);
  }

  forward(x: FloatArray, batch: number, _training: boolean): FloatArray {
    const y = (this.output = this.reuse(this.output, batch * shapeSize(this.outputShape)));
    this.backend.avgPool(x, y, this.poolInfo(batch));
    return y;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!needInputGrad) return null;
    const dx = (this.inputGrad = this.reuse(this.inputGrad, batch * shapeSize(this.inputShape)));
    this.backend.avgPoolBackprop(dy, dx, this.poolInfo(batch));
    return dx;
  }

  details(): LayerDetails {
    // One addition per input element.
    return { formula: '0', flops: shapeSize(this.inputShape), window: null, global: true };
  }
}

export const globalAveragePooling2dDescriptor: LayerDescriptor<GlobalAveragePooling2D> = {
  className: 'GlobalAveragePooling2D',
  config: [{ name: 'name', keras: 'name' }],
  fixed: [CHANNELS_LAST, KEEPDIMS_FALSE],
  example: {},
  create: (options) => new GlobalAveragePooling2D(options as never),
  onnx(layer, graph) {
    onnxGlobalReduce(graph, layer.name!, 'ReduceMean');
  },
};
