/** MaxPooling2D: y[N,OH,OW,C] = max over each window of x[N,H,W,C]; backward routes dy to the argmax. */
import type { FloatArray, Pool2DInfo } from '../backend/backend.js';
import { batchBuffer } from '../core/batch-buffer.js';
import { pool2dInfo, type Padding } from '../core/conv-geometry.js';
import { shapeSize } from '../core/tensor.js';
import { Layer, type BuildContext, type LayerPlan, type LayerDetails } from './layer.js';
import { expectInputRank, oneOf, pairOfPositiveIntegers, knownLayerOptions, optionKeys } from './validate-options.js';
import { CHANNELS_LAST, onnxPads, type LayerDescriptor } from './layer-descriptor.js';
import { ConvkitError, ShapeError } from '../core/errors.js';

const newInt32Array = (size: number): Int32Array => new Int32Array(size);

export interface MaxPooling2DOptions {
  trainable?: boolean;
  poolSize?: number | [number, number];
  /** Defaults to poolSize, as in Keras. */
  strides?: number | [number, number];
  padding?: Padding;
  inputShape?: readonly number[];
  name?: string;
}

const MAX_POOLING2D_OPTIONS = optionKeys<Omit<MaxPooling2DOptions, 'name' | 'inputShape' | 'trainable'>>({ poolSize: true, strides: true, padding: true });

export class MaxPooling2D extends Layer {
  readonly className = 'MaxPooling2D';
  readonly namePrefix = 'max_pooling2d';
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  private geometry: Pool2DInfo | undefined;
  private output: FloatArray | undefined;
  private argmax: Int32Array | undefined;
  private inputGrad: FloatArray | undefined;

  constructor(options: MaxPooling2DOptions = {}) {
    super(options);
    knownLayerOptions('MaxPooling2D', options, MAX_POOLING2D_OPTIONS);
    this.poolSize = pairOfPositiveIntegers('MaxPooling2D', 'poolSize', options.poolSize ?? 2, '2 or [2, 2]');
    this.strides = pairOfPositiveIntegers('MaxPooling2D', 'strides', options.strides ?? this.poolSize, '2 or [2, 2]');
    this.padding = oneOf('MaxPooling2D', 'padding', options.padding ?? 'valid', ['valid', 'same'] as const);
  }

  plan(inputShape: readonly number[]): LayerPlan | undefined {
    if (inputShape.length !== 3) return undefined;
    const info = this.infoFor(1, inputShape);
    return { weights: [], outputShape: [info.outHeight, info.outWidth, inputShape[2]] };
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    expectInputRank(this.displayName, inputShape, 4, 'batch, height, width, channels', 'Put it after a Conv2D layer or reshape images to [N, height, width, channels].');
    const info = this.infoFor(1, inputShape);
    if (info.outHeight <= 0 || info.outWidth <= 0) {
      throw new ShapeError(
        `${this.displayName} with poolSize [${this.poolSize}] needs an input of at least ${this.poolSize[0]}x${this.poolSize[1]}; received ${inputShape[0]}x${inputShape[1]}. Use padding 'same' or a smaller poolSize.`,
      );
    }
    return this.plan(inputShape)!.outputShape;
  }

  private infoFor(batch: number, shape: readonly number[]): Pool2DInfo {
    return pool2dInfo(batch, shape[0], shape[1], shape[2], this.poolSize[0], this.poolSize[1], this.strides[0], this.strides[1], this.padding);
  }

  /** The pooling geometry on `batch` samples (kept while the batch size stays). */
  poolInfo(batch: number): Pool2DInfo {
    if (this.geometry?.batch !== batch) this.geometry = this.infoFor(batch, this.inputShape);
    return this.geometry;
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

  details(): LayerDetails {
    const [oh, ow, c] = this.outputShape;
    // One comparison per window element, counted as one FLOP each.
    return { formula: '0', flops: oh * ow * c * this.poolSize[0] * this.poolSize[1], window: { kernel: this.poolSize[0], stride: this.strides[0], padding: this.padding }, global: false };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, poolSize: this.poolSize, strides: this.strides, padding: this.padding, inputShape: this.declaredInputShape };
  }
}

export const maxPooling2dDescriptor: LayerDescriptor<MaxPooling2D> = {
  className: 'MaxPooling2D',
  config: [
    { name: 'name', keras: 'name' },
    { name: 'poolSize', keras: 'pool_size', default: [2, 2] },
    // Absent (Keras: null), strides are the pool size.
    { name: 'strides', keras: 'strides' },
    { name: 'padding', keras: 'padding', default: 'valid' },
  ],
  fixed: [CHANNELS_LAST],
  example: { poolSize: 2 },
  create: (options) => new MaxPooling2D(options as never),
  onnx(layer, graph) {
    graph.toLayout('NCHW', `${layer.name}/to_nchw`);
    // ONNX MaxPool ignores padded cells, as TF's 'same' max pooling does.
    graph.add(`${layer.name}/MaxPool`, 'MaxPool', [], [
      { name: 'kernel_shape', ints: layer.poolSize }, { name: 'strides', ints: layer.strides },
      { name: 'pads', ints: onnxPads(layer.inputShape, layer.poolSize, layer.strides, layer.padding) },
    ]);
  },
};
