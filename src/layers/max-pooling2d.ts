/** MaxPooling2D: y[N,OH,OW,C] = max over each window of x[N,H,W,C]; backward routes dy to the argmax. */
import type { FloatArray } from '../backend/backend.js';
import { batchBuffer } from '../core/batch-buffer.js';
import { shapeSize } from '../core/tensor.js';
import { CHANNELS_LAST, type LayerDescriptor } from './layer-descriptor.js';
import { ConvkitError } from '../core/errors.js';
import { onnxWindowAttributes, WINDOW_POOLING_CONFIG, WindowPooling2D, type WindowPooling2DOptions } from './window-pooling.js';

const newInt32Array = (size: number): Int32Array => new Int32Array(size);

export type MaxPooling2DOptions = WindowPooling2DOptions;

export class MaxPooling2D extends WindowPooling2D {
  readonly className = 'MaxPooling2D';
  readonly namePrefix = 'max_pooling2d';
  private argmax: Int32Array | undefined;

  constructor(options: MaxPooling2DOptions = {}) {
    super('MaxPooling2D', options);
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    const info = this.poolInfo(batch);
    const size = batch * shapeSize(this.outputShape);
    const y = (this.output = this.reuse(this.output, size));
    if (training) this.argmax = batchBuffer(this.argmax, size, Int32Array, newInt32Array);
    this.backend.maxPool(x, y, training ? this.argmax! : null, info);
    return y;
  }

  /** The output buffer of the last forward pass (a plan step masks the gradient with it). */
  lastOutput(): FloatArray {
    if (!this.output) throw new ConvkitError(`${this.displayName} has not run forward.`);
    return this.output;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!needInputGrad) return null;
    if (!this.argmax) throw new ConvkitError(`${this.displayName}: backward called without a training forward pass.`);
    const info = this.poolInfo(batch);
    const dx = (this.inputGrad = this.reuse(this.inputGrad, batch * info.inHeight * info.inWidth * info.channels));
    this.backend.maxPoolBackprop(dy, this.argmax, dx, info);
    return dx;
  }
}

export const maxPooling2dDescriptor: LayerDescriptor<MaxPooling2D> = {
  className: 'MaxPooling2D',
  config: WINDOW_POOLING_CONFIG,
  fixed: [CHANNELS_LAST],
  example: { poolSize: 2 },
  create: (options) => new MaxPooling2D(options as never),
  onnx(layer, graph) {
    graph.toLayout('NCHW', `${layer.name}/to_nchw`);
    // ONNX MaxPool ignores padded cells, as TF's 'same' max pooling does.
    graph.add(`${layer.name}/MaxPool`, 'MaxPool', [], onnxWindowAttributes(layer));
  },
};
