/**
 * BatchNormalization over the last axis (channels), with Keras's semantics and
 * defaults: y = gamma * (x - mean) / sqrt(variance + epsilon) + beta, with the
 * batch's mean and biased variance in training and the moving statistics in
 * inference; training also moves them: moving = moving * momentum + batch *
 * (1 - momentum). The moving statistics are non-trainable weights, saved,
 * exported and counted as Keras counts them. A frozen layer (trainable false)
 * runs in inference mode during fit too, as in Keras 2.1.3+.
 *
 * x is seen as [rows, C] (rows = N*H*W for images): each pass reduces to a
 * per-channel affine map y = x * scale[c] + shift[c], computed from C values
 * per step, so the big passes are the backend's (batchNormMoments,
 * channelAffine, batchNormBackprop). A relu right after it may run in the same
 * passes (the execution plan's batchnorm-relu rule calls normalize and
 * backpropagate with it).
 */
import type { FloatArray } from '../backend/backend.js';
import { optionKeys } from '../core/check-options.js';
import { Layer, type BuildContext, type LayerDetails, type LayerPlan, type Weight } from './layer.js';
import type { LayerDescriptor, OnnxGraph } from './layer-descriptor.js';
import { optionalBoolean, knownLayerOptions } from './validate-options.js';
import { zeros } from './initializers.js';
import { allocate, shapeSize, type DType } from '../core/tensor.js';
import { ConfigError, ConvkitError, ShapeError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';

export interface BatchNormalizationOptions {
  /** The normalised axis: the last one (-1, Keras's default), the only one convkit implements. */
  axis?: number | number[];
  momentum?: number;
  epsilon?: number;
  /** Add beta (default true). */
  center?: boolean;
  /** Multiply by gamma (default true). */
  scale?: boolean;
  inputShape?: readonly number[];
  name?: string;
  trainable?: boolean;
}

const ones = (dtype: DType) => (size: number): FloatArray => allocate(dtype, size).fill(1);

function parseAxis(value: unknown): number {
  const axis = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new ConfigError(`BatchNormalization expects axis to be an integer such as -1 (the channels); received ${quoteValue(value)}.`);
  }
  return axis;
}

function numberIn(option: string, value: unknown, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ConfigError(`BatchNormalization expects ${option} to be ${expected}; received ${quoteValue(value)}.`);
  }
  return value;
}

export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly namePrefix = 'batch_normalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;

  private gamma: Weight | null = null;
  private beta: Weight | null = null;
  private movingMean!: Weight;
  private movingVariance!: Weight;
  /** [mean | variance] of the last training batch. */
  private moments!: FloatArray;
  /** [mean | invStd | gamma] of the last training batch: what batchNormBackprop reads. */
  private statistics!: FloatArray;
  /** The affine map of the last forward pass. */
  private affineScale!: FloatArray;
  private affineShift!: FloatArray;
  /** [dgamma | dbeta], written by batchNormBackprop. */
  private gradients!: FloatArray;
  private output: FloatArray | undefined;
  private input: FloatArray | undefined;
  /** Batch of the last training forward pass; -1 when there is none. */
  private trainedBatch = -1;
  /** Whether the last training forward pass ran frozen (trainable false): the moving statistics' map, not the batch's. */
  private frozenPass = false;

  constructor(options: BatchNormalizationOptions = {}) {
    super(options);
    knownLayerOptions('BatchNormalization', options, optionKeys<Omit<BatchNormalizationOptions, 'name' | 'inputShape' | 'trainable'>>({ axis: true, momentum: true, epsilon: true, center: true, scale: true }));
    if (typeof options !== 'object' || options === null) throw new ConfigError('BatchNormalization expects an options object such as { momentum: 0.99 }.');
    this.axis = parseAxis(options.axis ?? -1);
    this.momentum = numberIn('momentum', options.momentum ?? 0.99, (v) => v >= 0 && v <= 1, 'a number from 0 to 1 (e.g. 0.99)');
    this.epsilon = numberIn('epsilon', options.epsilon ?? 1e-3, (v) => v > 0, 'a positive number (e.g. 0.001)');
    this.center = optionalBoolean('BatchNormalization', 'center', options.center, true);
    this.scale = optionalBoolean('BatchNormalization', 'scale', options.scale, true);
  }

  /** Channels: the size of the last axis. */
  get channels(): number {
    return this.inputShape[this.inputShape.length - 1];
  }

  plan(inputShape: readonly number[]): LayerPlan | undefined {
    if (inputShape.length < 1) return undefined;
    const shape = [inputShape[inputShape.length - 1]];
    const names = [...(this.scale ? ['gamma'] : []), ...(this.center ? ['beta'] : []), 'moving_mean', 'moving_variance'];
    return { weights: names.map((suffix) => ({ suffix, shape })), outputShape: [...inputShape] };
  }

  protected computeOutputShape(inputShape: readonly number[], context: BuildContext): readonly number[] {
    const rank = inputShape.length + 1;
    if (this.axis !== -1 && this.axis !== rank - 1) {
      throw new ShapeError(
        `${this.displayName} normalises the last axis only (axis -1, or ${rank - 1} on input of rank ${rank}); received axis ${this.axis}. Put the channels last (NHWC).`,
      );
    }
    const c = inputShape[inputShape.length - 1];
    this.gamma = this.scale ? this.makeWeight('gamma', [c], ones(context.dtype)) : null;
    this.beta = this.center ? this.makeWeight('beta', [c], zeros(context.dtype)) : null;
    this.movingMean = { ...this.makeWeight('moving_mean', [c], zeros(context.dtype)), trainable: false };
    this.movingVariance = { ...this.makeWeight('moving_variance', [c], ones(context.dtype)), trainable: false };
    this.moments = this.allocate(2 * c);
    this.statistics = this.allocate(3 * c);
    this.affineScale = this.allocate(c);
    this.affineShift = this.allocate(c);
    this.gradients = this.allocate(2 * c);
    return [...inputShape];
  }

  override weights(): Weight[] {
    return [...(this.gamma ? [this.gamma] : []), ...(this.beta ? [this.beta] : []), this.movingMean, this.movingVariance];
  }

  get gammaWeight(): Weight | null {
    return this.gamma;
  }

  get betaWeight(): Weight | null {
    return this.beta;
  }

  get movingMeanWeight(): Weight {
    return this.movingMean;
  }

  get movingVarianceWeight(): Weight {
    return this.movingVariance;
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    return this.normalize(x, batch, training, 'linear');
  }

  /** The forward pass, then `activation` (relu when the plan fused one after it). */
  normalize(x: FloatArray, batch: number, training: boolean, activation: 'linear' | 'relu'): FloatArray {
    const c = this.channels, size = batch * shapeSize(this.inputShape), rows = size / c;
    const y = (this.output = this.reuse(this.output, size));
    const gamma = this.gamma?.value, beta = this.beta?.value;
    const scale = this.affineScale, shift = this.affineShift;
    // Frozen (trainable false), the layer runs in inference mode during fit too, as Keras 2.1.3+ does: the
    // moving statistics normalise and stay put, so fine-tuning above a frozen base sees the statistics it
    // was trained with. Test: test/layers/batch-normalization.test.ts, "a frozen BatchNormalization".
    const batchStatistics = training && this.trainable;
    if (batchStatistics) {
      const moments = this.moments, stats = this.statistics;
      const movingMean = this.movingMean.value, movingVariance = this.movingVariance.value, m = this.momentum;
      this.backend.batchNormMoments(x, moments, rows, c);
      for (let i = 0; i < c; i++) {
        const mean = moments[i], variance = moments[c + i];
        const invStd = 1 / Math.sqrt(variance + this.epsilon), g = gamma ? gamma[i] : 1;
        stats[i] = mean;
        stats[c + i] = invStd;
        stats[2 * c + i] = g;
        scale[i] = g * invStd;
        shift[i] = (beta ? beta[i] : 0) - mean * g * invStd;
        movingMean[i] = movingMean[i] * m + mean * (1 - m);
        movingVariance[i] = movingVariance[i] * m + variance * (1 - m);
      }
    } else {
      this.inferenceMap(scale, shift);
    }
    this.backend.channelAffine(x, y, scale, shift, rows, c, activation);
    this.input = training ? x : undefined;
    this.trainedBatch = training ? batch : -1;
    this.frozenPass = training && !batchStatistics;
    return y;
  }

  /**
   * The map inference applies, from the moving statistics: y = x * scale + shift
   * per channel (what a plan step folds into the convolution before it).
   */
  inferenceMap(scale: FloatArray, shift: FloatArray): void {
    const gamma = this.gamma?.value, beta = this.beta?.value;
    const movingMean = this.movingMean.value, movingVariance = this.movingVariance.value;
    for (let i = 0; i < this.channels; i++) {
      const s = (gamma ? gamma[i] : 1) / Math.sqrt(movingVariance[i] + this.epsilon);
      scale[i] = s;
      shift[i] = (beta ? beta[i] : 0) - movingMean[i] * s;
    }
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    const dx = this.backpropagate(dy, batch, null);
    return needInputGrad ? dx : null;
  }

  /**
   * dL/dx into dy's buffer, and the gamma and beta gradients; with reluOutput
   * (this layer's output when a relu ran in normalize), dy is the gradient
   * after that relu.
   */
  backpropagate(dy: FloatArray, batch: number, reluOutput: FloatArray | null): FloatArray {
    const x = this.input;
    if (!x || this.trainedBatch !== batch) {
      throw new ConvkitError(`${this.displayName}: backward on ${batch} samples without a training forward pass on them.`);
    }
    const c = this.channels, rows = (batch * shapeSize(this.inputShape)) / c;
    if (this.frozenPass) return this.backpropagateFrozen(dy, rows * c, reluOutput);
    this.backend.batchNormBackprop(x, dy, dy, this.statistics, this.gradients, rows, c, reluOutput);
    if (this.gamma) this.gamma.grad.set(this.gradients.subarray(0, c));
    if (this.beta) this.beta.grad.set(this.gradients.subarray(c, 2 * c));
    return dy;
  }

  /**
   * Frozen, the forward pass was the fixed map y = x * scale + shift per channel, so dL/dx = dL/dy * scale
   * (zero where a fused relu clipped the output); gamma and beta get no gradient, as the optimizer skips them.
   */
  private backpropagateFrozen(dy: FloatArray, size: number, reluOutput: FloatArray | null): FloatArray {
    const c = this.channels, scale = this.affineScale;
    for (let i = 0; i < size; i++) dy[i] = reluOutput && !(reluOutput[i] > 0) ? 0 : dy[i] * scale[i % c];
    if (this.gamma) this.gamma.grad.fill(0);
    if (this.beta) this.beta.grad.fill(0);
    return dy;
  }

  /** The output buffer of the last forward pass (what a fused relu's backward masks with). */
  lastOutput(): FloatArray {
    if (!this.output) throw new ConvkitError(`${this.displayName} has not run forward.`);
    return this.output;
  }

  details(): LayerDetails {
    const c = this.channels, perChannel = 2 + (this.scale ? 1 : 0) + (this.center ? 1 : 0);
    // A multiply and an add per element at inference (the map folds mean, variance, gamma and beta).
    return { formula: `${perChannel}*${c}`, flops: 2 * shapeSize(this.outputShape), window: null, global: false };
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name, axis: this.axis, momentum: this.momentum, epsilon: this.epsilon,
      center: this.center, scale: this.scale, inputShape: this.declaredInputShape,
    };
  }
}

/** A [C] float32 ONNX constant of one value, for a gamma or beta the layer does not have. */
function constant(graph: OnnxGraph, name: string, c: number, value: number): string {
  graph.addInitializer(name, [c], new Float32Array(c).fill(value));
  return name;
}

export const batchNormalizationDescriptor: LayerDescriptor<BatchNormalization> = {
  className: 'BatchNormalization',
  config: [
    { name: 'name', keras: 'name' },
    { name: 'axis', keras: 'axis', default: -1 },
    { name: 'momentum', keras: 'momentum', default: 0.99 },
    { name: 'epsilon', keras: 'epsilon', default: 0.001 },
    { name: 'center', keras: 'center', default: true },
    { name: 'scale', keras: 'scale', default: true },
  ],
  fixed: [{ keras: 'synchronized', exported: undefined, ok: (v) => v === false, expected: 'false (convkit trains on one device)' }],
  kerasExtras: {
    beta_initializer: { class_name: 'Zeros', config: {} },
    gamma_initializer: { class_name: 'Ones', config: {} },
    moving_mean_initializer: { class_name: 'Zeros', config: {} },
    moving_variance_initializer: { class_name: 'Ones', config: {} },
    beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
  },
  example: {},
  create: (options) => new BatchNormalization(options as never),
  onnx(layer, graph) {
    const name = layer.name!, c = layer.channels, rank = layer.inputShape.length + 1;
    const gamma = layer.gammaWeight, beta = layer.betaWeight, mean = layer.movingMeanWeight, variance = layer.movingVarianceWeight;
    if (rank === 4 || rank === 2) {
      // ONNX BatchNormalization normalises axis 1: NCHW images, or [N, C].
      if (rank === 4) graph.toLayout('NCHW', `${name}/to_nchw`);
      const inputs = [
        gamma ? gamma.name : constant(graph, `${name}/ones`, c, 1), beta ? beta.name : constant(graph, `${name}/zeros`, c, 0),
        mean.name, variance.name,
      ];
      for (const w of [gamma, beta, mean, variance]) if (w) graph.addInitializer(w.name, [c], w.value);
      graph.add(`${name}/BatchNormalization`, 'BatchNormalization', inputs, [{ name: 'epsilon', float: layer.epsilon }]);
      return;
    }
    // Other ranks keep channels last: the inference map x * scale + shift, broadcast over the last axis.
    const scale = new Float32Array(c), shift = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      scale[i] = (gamma ? gamma.value[i] : 1) / Math.sqrt(variance.value[i] + layer.epsilon);
      shift[i] = (beta ? beta.value[i] : 0) - mean.value[i] * scale[i];
    }
    graph.toLayout('NHWC', `${name}/to_nhwc`);
    graph.addInitializer(`${name}/scale`, [c], scale);
    graph.addInitializer(`${name}/shift`, [c], shift);
    graph.add(`${name}/Mul`, 'Mul', [`${name}/scale`]);
    graph.add(`${name}/Add`, 'Add', [`${name}/shift`]);
  },
};
