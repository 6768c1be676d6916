/**
 * AveragePooling2D: y[N,OH,OW,C] = mean over each window of x[N,H,W,C], as
 * Keras: 'same' windows average only their cells inside the input.
 */
import type { FloatArray, Pool2DInfo } from '../backend/backend.js';
import { pool2dInfo, type Padding } from '../core/conv-geometry.js';
import { shapeSize } from '../core/tensor.js';
import { optionKeys } from '../core/check-options.js';
import { Layer, type BuildContext, type LayerPlan, type LayerDetails } from './layer.js';
import { expectInputRank, oneOf, pairOfPositiveIntegers, knownLayerOptions } from './validate-options.js';
import { CHANNELS_LAST, onnxPads, type LayerDescriptor } from './layer-descriptor.js';
import { ShapeError } from '../core/errors.js';

export interface AveragePooling2DOptions {
  poolSize?: number | [number, number];
  /** Defaults to poolSize, as in Keras. */
  strides?: number | [number, number];
  padding?: Padding;
  inputShape?: readonly number[];
  name?: string;
  trainable?: boolean;
}

export class AveragePooling2D extends Layer {
  readonly className = 'AveragePooling2D';
  readonly namePrefix = 'average_pooling2d';
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  private geometry: Pool2DInfo | undefined;
  private output: FloatArray | undefined;
  private inputGrad: FloatArray | undefined;

  constructor(options: AveragePooling2DOptions = {}) {
    super(options);
    knownLayerOptions('AveragePooling2D', options, optionKeys<Omit<AveragePooling2DOptions, 'name' | 'inputShape' | 'trainable'>>({ poolSize: true, strides: true, padding: true }));
    this.poolSize = pairOfPositiveIntegers('AveragePooling2D', 'poolSize', options.poolSize ?? 2, '2 or [2, 2]');
    this.strides = pairOfPositiveIntegers('AveragePooling2D', 'strides', options.strides ?? this.poolSize, '2 or [2, 2]');
    this.padding = oneOf('AveragePooling2D', 'padding', options.padding ?? 'valid', ['valid', 'same'] as const);
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

  details(): LayerDetails {
    const [oh, ow, c] = this.outputShape;
    // One addition per window element.
    return { formula: '0', flops: oh * ow * c * this.poolSize[0] * this.poolSize[1], window: { kernel: this.poolSize[0], stride: this.strides[0] }, global: false };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, poolSize: this.poolSize, strides: this.strides, padding: this.padding, inputShape: this.declaredInputShape };
  }
}

export const averagePooling2dDescriptor: LayerDescriptor<AveragePooling2D> = {
  className: 'AveragePooling2D',
  config: [
    { name: 'name', keras: 'name' },
    { name: 'poolSize', keras: 'pool_size', default: [2, 2] },
    // Absent (Keras: null), strides are the pool size.
    { name: 'strides', keras: 'strides' },
    { name: 'padding', keras: 'padding', default: 'valid' },
  ],
  fixed: [CHANNELS_LAST],
  example: { poolSize: 2 },
  create: (options) => new AveragePooling2D(options as never),
  onnx(layer, graph) {
    graph.toLayout('NCHW', `${layer.name}/to_nchw`);
    // count_include_pad 0: padded cells do not count, as in TF's 'same' average pooling.
    graph.add(`${layer.name}/AveragePool`, 'AveragePool', [], [
      { name: 'kernel_shape', ints: layer.poolSize }, { name: 'strides', ints: layer.strides },
      { name: 'pads', ints: onnxPads(layer.inputShape, layer.poolSize, layer.strides, layer.padding) },
      { name: 'count_include_pad', int: 0 },
    ]);
  },
};
