/**
 * AveragePooling2D: y[N,OH,OW,C] = mean over each window of x[N,H,W,C], as
 * Keras: 'same' windows average only their cells inside the input.
 */
import type { FloatArray } from '../backend/backend.js';
import { shapeSize } from '../core/tensor.js';
import { CHANNELS_LAST, type LayerDescriptor } from './layer-descriptor.js';
import { onnxWindowAttributes, WINDOW_POOLING_CONFIG, WindowPooling2D, type WindowPooling2DOptions } from './window-pooling.js';

export type AveragePooling2DOptions = WindowPooling2DOptions;

export class AveragePooling2D extends WindowPooling2D {
  readonly className = 'AveragePooling2D';
  readonly namePrefix = 'average_pooling2d';

  constructor(options: AveragePooling2DOptions = {}) {
    super('AveragePooling2D', options);
  }

  forward(x: FloatArray, batch: number, _training: boolean): FloatArray {
    const y = (this.output = this.reuse(this.output, batch * shapeSize(this.outputShape)));
    this.backend.avgPool(x, y, this.poolInfo(batch));
    return y;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!needInputGrad) return null;
    const info = this.poolInfo(batch);
    const dx = (this.inputGrad = this.reuse(this.inputGrad, batch * shapeSize(this.inputShape)));
    this.backend.avgPoolBackprop(dy, dx, info);
    return dx;
  }
}

export const averagePooling2dDescriptor: LayerDescriptor<AveragePooling2D> = {
  className: 'AveragePooling2D',
  config: WINDOW_POOLING_CONFIG,
  fixed: [CHANNELS_LAST],
  example: { poolSize: 2 },
  create: (options) => new AveragePooling2D(options as never),
  onnx(layer, graph) {
    graph.toLayout('NCHW', `${layer.name}/to_nchw`);
    // count_include_pad 0: padded cells do not count, as in TF's 'same' average pooling.
    graph.add(`${layer.name}/AveragePool`, 'AveragePool', [], [...onnxWindowAttributes(layer), { name: 'count_include_pad', int: 0 }]);
  },
};
