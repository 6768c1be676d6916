/** GlobalAveragePooling2D: y[N,C] = mean over H and W of x[N,H,W,C], as Keras (keepdims false). */
import type { FloatArray, Pool2DInfo } from '../backend/backend.js';
import { shapeSize } from '../core/tensor.js';
import { knownLayerOptions } from './validate-options.js';
import { optionKeys } from '../core/check-options.js';
import { Layer, type BuildContext, type LayerDetails, type LayerPlan } from './layer.js';
import { CHANNELS_LAST, type LayerDescriptor } from './layer-descriptor.js';
import { checkGlobalPoolInput, globalPoolInfo, KEEPDIMS_FALSE, onnxGlobalReduce } from './global-pooling.js';

export interface GlobalPooling2DOptions {
  inputShape?: readonly number[];
  name?: string;
  trainable?: boolean;
}

export class GlobalAveragePooling2D extends Layer {
  readonly className = 'GlobalAveragePooling2D';
  readonly namePrefix = 'global_average_pooling2d';
  private geometry: Pool2DInfo | undefined;
  private output: FloatArray | undefined;
  private inputGrad: FloatArray | undefined;

  constructor(options: GlobalPooling2DOptions = {}) {
    super(options);
    knownLayerOptions('GlobalAveragePooling2D', options, optionKeys<Omit<GlobalPooling2DOptions, 'name' | 'inputShape' | 'trainable'>>({}));
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

  getConfig(): Record<string, unknown> {
    return { name: this.name, inputShape: this.declaredInputShape };
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
