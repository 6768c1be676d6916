/**
 * What MaxPooling2D and AveragePooling2D share: Keras's poolSize, strides
 * (defaulting to poolSize) and padding, the output shape and the pooling
 * geometry they give, and the Keras config and ONNX window attributes. Each
 * subclass runs its own kernels.
 */
import type { FloatArray, Pool2DInfo } from '../backend/backend.js';
import { pool2dInfo, type Padding } from '../core/conv-geometry.js';
import { optionKeys } from '../core/check-options.js';
import { ShapeError } from '../core/errors.js';
import { Layer, type BuildContext, type LayerDetails, type LayerPlan } from './layer.js';
import { onnxPads, type ConfigKey, type OnnxAttributeValue } from './layer-descriptor.js';
import { expectInputRank, knownLayerOptions, oneOf, pairOfPositiveIntegers } from './validate-options.js';

export interface WindowPooling2DOptions {
  trainable?: boolean;
  poolSize?: number | [number, number];
  /** Defaults to poolSize, as in Keras. */
  strides?: number | [number, number];
  padding?: Padding;
  inputShape?: readonly number[];
  name?: string;
}

const WINDOW_POOLING_OPTIONS = optionKeys<Omit<WindowPooling2DOptions, 'name' | 'inputShape' | 'trainable'>>({ poolSize: true, strides: true, padding: true });

/** The Keras config keys of both window poolings. */
export const WINDOW_POOLING_CONFIG: readonly ConfigKey[] = [
  { name: 'name', keras: 'name' },
  { name: 'poolSize', keras: 'pool_size', default: [2, 2] },
  // Absent (Keras: null), strides are the pool size.
  { name: 'strides', keras: 'strides' },
  { name: 'padding', keras: 'padding', default: 'valid' },
];

export abstract class WindowPooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  private geometry: Pool2DInfo | undefined;
  protected output: FloatArray | undefined;
  protected inputGrad: FloatArray | undefined;

  constructor(className: string, options: WindowPooling2DOptions) {
    super(options);
    knownLayerOptions(className, options, WINDOW_POOLING_OPTIONS);
    this.poolSize = pairOfPositiveIntegers(className, 'poolSize', options.poolSize ?? 2, '2 or [2, 2]');
    this.strides = pairOfPositiveIntegers(className, 'strides', options.strides ?? this.poolSize, '2 or [2, 2]');
    this.padding = oneOf(className, 'padding', options.padding ?? 'valid', ['valid', 'same'] as const);
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

  details(): LayerDetails {
    const [oh, ow, c] = this.outputShape;
    // One comparison (max) or addition (average) per window element, counted as one FLOP each.
    return { formula: '0', flops: oh * ow * c * this.poolSize[0] * this.poolSize[1], window: { kernel: this.poolSize[0], stride: this.strides[0], padding: this.padding }, global: false };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, poolSize: this.poolSize, strides: this.strides, padding: this.padding, inputShape: this.declaredInputShape };
  }
}

/** ONNX MaxPool's and AveragePool's window attributes for `layer`. */
export function onnxWindowAttributes(layer: WindowPooling2D): OnnxAttributeValue[] {
  return [
    { name: 'kernel_shape', ints: layer.poolSize }, { name: 'strides', ints: layer.strides },
    { name: 'pads', ints: onnxPads(layer.inputShape, layer.poolSize, layer.strides, layer.padding) },
  ];
}
