/** Conv2D: y[N,OH,OW,OC] = act(conv(x[N,H,W,C], kernel[KH,KW,C,OC]) + bias[OC]). */
import type { BiasActivationEpilogue, Conv2DInfo, FloatArray } from '../backend/backend.js';
import { conv2dInfo, type Padding } from '../core/conv-geometry.js';
import { AffineLayer } from './affine-layer.js';
import { parseActivation, type ActivationName } from './activations.js';
import type { BuildContext, LayerDetails, LayerPlan } from './layer.js';
import { CHANNELS_LAST, KERNEL_AND_BIAS_EXTRAS, onnxActivation, onnxPads, type LayerDescriptor } from './layer-descriptor.js';
import { expectInputRank, oneOf, optionalBoolean, pairOfPositiveIntegers, positiveInteger } from './validate-options.js';
import { glorotUniform, zeros } from './initializers.js';
import { ConfigError, ShapeError } from '../core/errors.js';

export interface Conv2DOptions {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
  activation?: ActivationName;
  useBias?: boolean;
  inputShape?: readonly number[];
  name?: string;
}

export class Conv2D extends AffineLayer {
  readonly className = 'Conv2D';
  readonly namePrefix = 'conv2d';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private geometry: Conv2DInfo | undefined;

  constructor(options: Conv2DOptions) {
    super(options);
    if (typeof options !== 'object' || options === null) throw new ConfigError('Conv2D expects an options object such as { filters: 32, kernelSize: 3 }.');
    this.filters = positiveInteger('Conv2D', 'filters', options.filters, '{ filters: 32 }');
    this.kernelSize = pairOfPositiveIntegers('Conv2D', 'kernelSize', options.kernelSize, '3 or [3, 3]');
    this.strides = pairOfPositiveIntegers('Conv2D', 'strides', options.strides ?? 1, '1 or [2, 2]');
    this.padding = oneOf('Conv2D', 'padding', options.padding ?? 'valid', ['valid', 'same'] as const);
    this.activation = parseActivation('Conv2D', options.activation);
    this.useBias = optionalBoolean('Conv2D', 'useBias', options.useBias, true);
  }

  protected get units(): number {
    return this.filters;
  }

  plan(inputShape: readonly number[]): LayerPlan | undefined {
    if (inputShape.length !== 3) return undefined;
    const [h, w, c] = inputShape;
    const info = this.infoFor(1, h, w, c);
    const kernel = { suffix: 'kernel', shape: [this.kernelSize[0], this.kernelSize[1], c, this.filters] };
    return { weights: this.useBias ? [kernel, { suffix: 'bias', shape: [this.filters] }] : [kernel], outputShape: [info.outHeight, info.outWidth, this.filters] };
  }

  protected computeOutputShape(inputShape: readonly number[], context: BuildContext): readonly number[] {
    expectInputRank(this.displayName, inputShape, 4, 'batch, height, width, channels', 'Reshape images to [N, height, width, channels], e.g. [N, 28, 28, 1].');
    const { outputShape } = this.plan(inputShape)!;
    if (outputShape[0] <= 0 || outputShape[1] <= 0) {
      throw new ShapeError(
        `${this.displayName} with kernelSize [${this.kernelSize}] and padding '${this.padding}' needs an input of at least ${this.kernelSize[0]}x${this.kernelSize[1]}; received ${inputShape[0]}x${inputShape[1]}. Use padding 'same' or a smaller kernel.`,
      );
    }
    const [kh, kw] = this.kernelSize;
    const receptive = kh * kw, c = inputShape[2];
    this.kernel = this.makeWeight('kernel', [kh, kw, c, this.filters], glorotUniform(context.random, context.dtype, receptive * c, receptive * this.filters));
    this.bias = this.useBias ? this.makeWeight('bias', [this.filters], zeros(context.dtype)) : null;
    return outputShape;
  }

  private infoFor(batch: number, h: number, w: number, c: number): Conv2DInfo {
    return conv2dInfo(batch, h, w, c, this.filters, this.kernelSize[0], this.kernelSize[1], this.strides[0], this.strides[1], this.padding);
  }

  /** The convolution's geometry on `batch` samples (kept while the batch size stays). */
  convInfo(batch: number): Conv2DInfo {
    if (this.geometry?.batch !== batch) {
      const [h, w, c] = this.inputShape;
      this.geometry = this.infoFor(batch, h, w, c);
    }
    return this.geometry;
  }

  protected linearForward(x: FloatArray, y: FloatArray, batch: number, epilogue: BiasActivationEpilogue | null): boolean {
    this.backend.conv2d(x, this.kernel.value, y, this.convInfo(batch), epilogue ?? undefined);
    return epilogue !== null;
  }

  protected kernelGrad(x: FloatArray, dz: FloatArray, batch: number): void {
    this.backend.conv2dBackpropFilter(x, dz, this.kernel.grad, this.convInfo(batch));
  }

  protected inputGradient(dz: FloatArray, dx: FloatArray, batch: number): void {
    this.backend.conv2dBackpropInput(dz, this.kernel.value, dx, this.convInfo(batch));
  }

  details(): LayerDetails {
    const [kh, kw] = this.kernelSize;
    const c = this.inputShape[2];
    const [oh, ow] = this.outputShape;
    const base = `${kh}*${kw}*${c}*${this.filters}`;
    return {
      formula: this.useBias ? `${base} + ${this.filters}` : base,
      flops: 2 * oh * ow * this.filters * kh * kw * c,
      window: { kernel: kh, stride: this.strides[0], padding: this.padding },
      global: false,
    };
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name, filters: this.filters, kernelSize: this.kernelSize, strides: this.strides,
      padding: this.padding, activation: this.activation, useBias: this.useBias, inputShape: this.declaredInputShape,
    };
  }
}

/** Keras conv kernel [KH, KW, C, OC] -> ONNX weight [OC, C, KH, KW]. */
function toOihw(kernel: ArrayLike<number>, kh: number, kw: number, c: number, oc: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let ci = 0; ci < c; ci++) {
        for (let o = 0; o < oc; o++) out[((o * c + ci) * kh + y) * kw + x] = kernel[((y * kw + x) * c + ci) * oc + o];
      }
    }
  }
  return out;
}

const ones = (value: unknown): boolean => value === 1 || (Array.isArray(value) && value.length > 0 && value.every((v) => v === 1));

export const conv2dDescriptor: LayerDescriptor<Conv2D> = {
  className: 'Conv2D',
  config: [
    { name: 'name', keras: 'name' },
    { name: 'filters', keras: 'filters' },
    { name: 'kernelSize', keras: 'kernel_size' },
    { name: 'strides', keras: 'strides', default: [1, 1] },
    { name: 'padding', keras: 'padding', default: 'valid' },
    { name: 'activation', keras: 'activation', default: 'linear' },
    { name: 'useBias', keras: 'use_bias', default: true },
  ],
  fixed: [
    CHANNELS_LAST,
    { keras: 'dilation_rate', exported: [1, 1], ok: ones, expected: '1 or [1, 1]' },
    { keras: 'groups', exported: undefined, ok: (v) => v === 1, expected: '1' },
  ],
  kerasExtras: KERNEL_AND_BIAS_EXTRAS,
  example: { filters: 32, kernelSize: 3, activation: 'relu' },
  create: (options) => new Conv2D(options as never),
  onnx(layer, graph) {
    const c = layer.inputShape[2];
    const [kh, kw] = layer.kernelSize;
    graph.toLayout('NCHW', `${layer.name}/to_nchw`);
    const kernel = layer.kernelWeight, bias = layer.biasWeight;
    graph.addInitializer(kernel.name, [layer.filters, c, kh, kw], toOihw(kernel.value, kh, kw, c, layer.filters));
    if (bias) graph.addInitializer(bias.name, [layer.filters], bias.value);
    graph.add(`${layer.name}/Conv`, 'Conv', bias ? [kernel.name, bias.name] : [kernel.name], [
      { name: 'kernel_shape', ints: [kh, kw] }, { name: 'strides', ints: layer.strides }, { name: 'dilations', ints: [1, 1] },
      { name: 'pads', ints: onnxPads(layer.inputShape, layer.kernelSize, layer.strides, layer.padding) },
    ]);
    onnxActivation(graph, layer.name!, layer.activation);
  },
};
