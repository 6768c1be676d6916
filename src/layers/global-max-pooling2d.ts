/** GlobalMaxPooling2D: y[N,C] = max over H and W of x[N,H,W,C], as Keras (keepdims false); backward routes dy to the argmax. */
import type { FloatArray, Pool2DInfo } from '../backend/backend.js';
import { batchBuffer } from '../core/batch-buffer.js';
import { shapeSize } from '../core/tensor.js';
import { knownLayerOptions } from './validate-options.js';
import { Layer, type BuildContext, type LayerDetails, type LayerPlan } from './layer.js';
import { CHANNELS_LAST, type LayerDescriptor } from './layer-descriptor.js';
import { checkGlobalPoolInput, globalPoolInfo, KEEPDIMS_FALSE, onnxGlobalReduce } from './global-pooling.js';
import type { GlobalPooling2DOptions } from './global-average-pooling2d.js';
import { ConvkitError } from '../core/errors.js';

const newInt32Array = (size: number): Int32Array => new Int32Array(size);

export class GlobalMaxPooling2D extends Layer {
  readonly className = 'GlobalMaxPooling2D';
  readonly namePrefix = 'global_max_pooling2d';
  private geometry: Pool2DInfo | undefined;
  private output: FloatArray | undefined;
  private argmax: Int32Array | undefined;
  private inputGrad: FloatArray | undefined;

  constructor(options: GlobalPooling2DOptions = {}) {
    super(options);
    knownLayerOptions('GlobalMaxPooling2D', options, []);
  }

  plan(inputShape: readonly number[]): LayerPlan | undefined {
    return inputShape.length === 3 ? { weights: [], outputShape: [inputShape[2]] } : undefined;
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    checkGlobalPoolInput(this.displayName, inputShape);
    return this.plan(inputShape)!.outputShape;
  }

  private poolInfo(batch: number): Pool2DInfo {
    if (this.geometry?.batch !== batch) this.geometry = globalPoolInfo(batch, this.inputShape);
    return this.geometry;
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

  getConfig(): Record<string, unknown> {
    return { name: this.name, inputShape: this.declaredInputShape };
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
