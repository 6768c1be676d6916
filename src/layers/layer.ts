/**
 * The layer contract. A layer is built once for a per-sample input shape
 * (without the batch dimension), then runs forward(x, batch, training) and
 * backward(dy, batch, needInputGrad) on flat NHWC buffers.
 *
 * forward caches what backward needs (its input, activation output, max-pool
 * argmax); backward overwrites the parameter gradients (one batch, no
 * accumulation). Output and gradient buffers are owned by the layer and reused
 * between steps, so a training step allocates nothing; a smaller last batch
 * gets views of them (core/batch-buffer.ts).
 */
import type { Backend, FloatArray } from '../backend/backend.js';
import type { Random } from '../core/random.js';
import { batchBuffer } from '../core/batch-buffer.js';
import { allocate, arrayType, type DType } from '../core/tensor.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import type { Padding } from '../core/conv-geometry.js';

export interface Weight {
  /** Keras-style variable name, e.g. "conv2d/kernel". */
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: FloatArray;
  readonly grad: FloatArray;
  readonly trainable: boolean;
}

/**
 * What a layer becomes on a per-sample input shape, before anything is
 * allocated: the weights it will create (name suffix and shape) and its output
 * shape. build() creates exactly these; the model-file loader checks a file's
 * tensors against them first.
 */
/**
 * The most values one weight or one sample's activation may hold: 2^31 - 1,
 * the typed-array length every JavaScript engine supports (8 GiB of float32,
 * far past any network convkit trains). Test: test/layers/layer.test.ts.
 */
const MAX_TENSOR_VALUES = 2 ** 31 - 1;

export interface LayerPlan {
  weights: { suffix: string; shape: number[] }[];
  outputShape: readonly number[];
}

export interface BuildContext {
  readonly backend: Backend;
  readonly dtype: DType;
  readonly random: Random;
}

/** How a layer maps receptive fields: window size and stride along each spatial axis. */
export interface SpatialWindow {
  readonly kernel: number;
  readonly stride: number;
  /** Where a unit's window starts needs it ('same' shifts it up and left); default 'valid'. */
  readonly padding?: Padding;
}

/** What `summary({ details: true })` prints about a layer. */
export interface LayerDetails {
  /** Parameter formula, e.g. "3*3*1*32 + 32". */
  readonly formula: string;
  /** Forward FLOPs per sample (a multiply-add counts as 2). */
  readonly flops: number;
  /** Spatial window this layer applies, or null when it keeps positions (flatten, dropout) or mixes all (dense). */
  readonly window: SpatialWindow | null;
  /** True when every output sees the whole input (dense layers). */
  readonly global: boolean;
}

export abstract class Layer {
  /** Keras class name, e.g. "Conv2D". */
  abstract readonly className: string;
  /** Keras snake_case prefix for automatic names, e.g. "conv2d". */
  abstract readonly namePrefix: string;
  name: string | undefined;
  /** Per-sample input shape the user declared (first layer only). */
  readonly declaredInputShape: readonly number[] | undefined;

  protected backend!: Backend;
  protected dtype: DType = 'float32';
  protected random!: Random;
  inputShape: readonly number[] = [];
  outputShape: readonly number[] = [];
  built = false;

  constructor(options: { name?: string; inputShape?: readonly number[] }) {
    if (options.name !== undefined && (typeof options.name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(options.name))) {
      // Names become weight names ("conv2d/kernel") in model files: keep them to one path segment.
      throw new ConfigError(`${this.constructor.name} expects name to be letters, digits, '_', '.' or '-'; received ${quoteValue(options.name)}.`);
    }
    this.name = options.name;
    if (options.inputShape !== undefined) {
      const shape = options.inputShape;
      if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
        throw new ConfigError(
          `${this.constructor.name} expects inputShape as a list of positive integers without the batch dimension, e.g. [28, 28, 1]; received ${quoteValue(shape)}.`,
        );
      }
    }
    this.declaredInputShape = options.inputShape ? [...options.inputShape] : undefined;
  }

  /** Validates the input shape, creates weights and returns the output shape. */
  build(inputShape: readonly number[], context: BuildContext): readonly number[] {
    const plan = this.plan(inputShape);
    if (plan) this.checkSizes(plan);
    this.backend = context.backend;
    this.dtype = context.dtype;
    this.random = context.random;
    this.inputShape = [...inputShape];
    this.outputShape = this.computeOutputShape(inputShape, context);
    this.built = true;
    return this.outputShape;
  }

  /**
   * Refuses, before anything is allocated, a weight or a per-sample output
   * too large for one typed array, naming this layer and the size: otherwise a
   * huge units / filters / kernelSize surfaces as "Invalid typed array length"
   * from deep inside the build or the first forward, naming nothing.
   */
  private checkSizes(plan: LayerPlan): void {
    for (const { suffix, shape } of plan.weights) {
      const values = shape.reduce((a, b) => a * b, 1);
      if (values > MAX_TENSOR_VALUES) {
        throw new ConfigError(`${this.displayName} would need a ${suffix} of shape [${shape.join(', ')}] (${values} values); a weight holds at most ${MAX_TENSOR_VALUES} values. Reduce units, filters or kernelSize.`);
      }
    }
    const outputs = plan.outputShape.reduce((a, b) => a * b, 1);
    if (outputs > MAX_TENSOR_VALUES) {
      throw new ConfigError(`${this.displayName} would output [${plan.outputShape.join(', ')}] per sample (${outputs} values); an activation holds at most ${MAX_TENSOR_VALUES} values per sample. Reduce units, filters or the input size.`);
    }
  }

  /** Checks the input and creates weights; returns the per-sample output shape. */
  protected abstract computeOutputShape(inputShape: readonly number[], context: BuildContext): readonly number[];

  /**
   * The weights and output shape this layer would have on `inputShape`, or
   * undefined when the input's rank is wrong (build() then throws the layer's
   * own message). computeOutputShape builds from the same plan.
   */
  abstract plan(inputShape: readonly number[]): LayerPlan | undefined;

  abstract forward(x: FloatArray, batch: number, training: boolean): FloatArray;

  /** Returns dL/dx, or null when needInputGrad is false (the first layer needs none). */
  abstract backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null;

  weights(): Weight[] {
    return [];
  }

  paramCount(): number {
    return this.weights().reduce((sum, w) => sum + w.value.length, 0);
  }

  abstract details(): LayerDetails;

  /** Constructor options as plain JSON, enough to rebuild the layer. */
  abstract getConfig(): Record<string, unknown>;

  protected get displayName(): string {
    return `${this.className} layer "${this.name ?? this.namePrefix}"`;
  }

  /** A buffer of `size` elements: `buffer` itself or a view of its allocation when large enough (batchBuffer), else a new one. */
  protected reuse(buffer: FloatArray | undefined, size: number): FloatArray {
    return batchBuffer(buffer, size, arrayType(this.dtype), this.allocateBuffer);
  }

  /** allocate() as a function value, made once (reuse runs on every layer call). */
  private readonly allocateBuffer = (size: number): FloatArray => this.allocate(size);

  /** A zeroed buffer, laid out as the backend reads fastest when it says how (backend.allocateFloat32). */
  protected allocate(size: number): FloatArray {
    return this.dtype === 'float32' && this.backend.allocateFloat32 ? this.backend.allocateFloat32(size) : allocate(this.dtype, size);
  }

  protected makeWeight(suffix: string, shape: readonly number[], init: (size: number) => FloatArray): Weight {
    const initial = init(shape.reduce((a, b) => a * b, 1));
    const value = this.allocate(initial.length);
    value.set(initial);
    return { name: `${this.name}/${suffix}`, shape: [...shape], value, grad: this.allocate(value.length), trainable: true };
  }
}
