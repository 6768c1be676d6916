/** GlobalMaxPooling2D: y[N,C] = max over H and W of x[N,H,W,C], as Keras (keepdims false); backward routes dy to the argmax. */
import type { FloatArray } from '../backend/backend.js';
import { batchBuffer } from '../core/batch-buffer.js';
import { shapeSize } from '../core/tensor.js';
import type { LayerDetails } from './layer.js';
import { CHANNELS_LAST, type LayerDescriptor } from './layer-descriptor.js';
import { GlobalPooling2D, KEEPDIMS_FALSE, onnxGlobalReduce, type GlobalPooling2DOptions } from './global-pooling.js';
import { ConvkitError } from '../core/errors.js';

const newInt32Array = (size: number): Int32Array => new Int32Array(size);

export class GlobalMaxPooling2D extends GlobalPooling2D {
  readonly className = 'GlobalMaxPooling2D';
  readonly namePrefix = 'global_max_pooling2d';
  private argmax: Int32Array | undefined;

  constructor(options: GlobalPooling2DOptions = {}) {
    super('GlobalMaxPooling2D', options);
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    const size = batch * shapeSize(this.outputShape);
    const y = (this.output = this.reuse(this.output, size));
    if (training) this.argmax = batchBuffer(this.argmax, size, Int32Array, newInt32Array);
    this.backend.maxPool(x, y, training ? this.argmax! : null, this.poolInfo(batch));
    return y;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!needInputGrad) return null;
    if (!this.argmax) throw new ConvkitError(`${this.displayName}: backward called without a training forward pass.`);
    const dx = (this.inputGrad = this.reuse(this.inputGrad, batch * shapeSize(this.inputShape)));
    this.backend.maxPoolBackprop(dy, this.argmax, dx, this.poolInfo(batch));
    return dx;
  }

  details(): LayerDetails {
    // One comparison per input element.
    return { formula: '0', flops: shapeSize(this.inputShape), window: null, global: true };
  }
}

export const globalMaxPooling2dDescriptor: LayerDescriptor<GlobalMaxPooling2D> = {
  className: 'GlobalMaxPooling2D',
  config: [{ name: 'name', keras: 'name' }],
  fixed: [CHANNELS_LAST, KEEPDIMS_FALSE],
  example: {},
  create: (options) => new GlobalMaxPooling2D(options as never),
  onnx(layer, graph) {
    onnxGlobalReduce(graph, layer.name!, 'ReduceMax');
  },
};
