/** Dense: y[N, OUT] = act(x[N, IN] . kernel[IN, OUT] + bias[OUT]). */
import type { FloatArray } from '../backend/backend.js';
import { AffineLayer } from './affine-layer.js';
import { parseActivation, type ActivationIdentifier, type ActivationName } from './activations.js';
import type { BuildContext, LayerDetails, LayerPlan } from './layer.js';
import { expectInputRank, optionalBoolean, positiveInteger, knownLayerOptions, optionKeys } from './validate-options.js';
import { glorotUniform, zeros } from './initializers.js';
import { KERNEL_AND_BIAS_EXTRAS, onnxActivation, type LayerDescriptor } from './layer-descriptor.js';
import { ConfigError } from '../core/errors.js';

export interface DenseOptions {
  /** False freezes the layer (Layer.trainable). */
  trainable?: boolean;
  units: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  inputShape?: readonly number[];
  name?: string;
}

const DENSE_OPTIONS = optionKeys<Omit<DenseOptions, 'name' | 'inputShape' | 'trainable'>>({ units: true, activation: true, useBias: true });

export class Dense extends AffineLayer {
  readonly className = 'Dense';
  readonly namePrefix = 'dense';
  readonly unitCount: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;

  constructor(options: DenseOptions) {
    super(options);
    if (typeof options !== 'object' || options === null) throw new ConfigError('Dense expects an options object such as { units: 128 }.');
    knownLayerOptions('Dense', options, DENSE_OPTIONS);
    this.unitCount = positiveInteger('Dense', 'units', options.units, '{ units: 128 }');
    this.activation = parseActivation('Dense', options.activation);
    this.useBias = optionalBoolean('Dense', 'useBias', options.useBias, true);
  }

  protected get units(): number {
    return this.unitCount;
  }

  private get inFeatures(): number {
    return this.inputShape[0];
  }

  plan(inputShape: readonly number[]): LayerPlan | undefined {
    if (inputShape.length !== 1) return undefined;
    const kernel = { suffix: 'kernel', shape: [inputShape[0], this.unitCount] };
    return { weights: this.useBias ? [kernel, { suffix: 'bias', shape: [this.unitCount] }] : [kernel], outputShape: [this.unitCount] };
  }

  protected computeOutputShape(inputShape: readonly number[], context: BuildContext): readonly number[] {
    expectInputRank(this.displayName, inputShape, 2, 'batch, features', 'Add a Flatten layer before it.');
    const fanIn = inputShape[0];
    this.kernel = this.makeWeight('kernel', [fanIn, this.unitCount], glorotUniform(context.random, context.dtype, fanIn, this.unitCount));
    this.bias = this.useBias ? this.makeWeight('bias', [this.unitCount], zeros(context.dtype)) : null;
    return this.plan(inputShape)!.outputShape;
  }

  protected linearForward(x: FloatArray, y: FloatArray, batch: number): boolean {
    this.backend.matmul(x, this.kernel.value, y, batch, this.unitCount, this.inFeatures, false, false, false);
    return false; // matmul has no epilogue: bias + activation run as their own pass
  }

  protected kernelGrad(x: FloatArray, dz: FloatArray, batch: number): void {
    // dW[IN, OUT] = x^T[IN, N] . dz[N, OUT]
    this.backend.matmul(x, dz, this.kernel.grad, this.inFeatures, this.unitCount, batch, true, false, false);
  }

  protected inputGradient(dz: FloatArray, dx: FloatArray, batch: number): void {
    // dx[N, IN] = dz[N, OUT] . W^T[OUT, IN]
    this.backend.matmul(dz, this.kernel.value, dx, batch, this.inFeatures, this.unitCount, false, true, false);
  }

  details(): LayerDetails {
    const inF = this.inFeatures;
    return {
      formula: this.useBias ? `${inF}*${this.unitCount} + ${this.unitCount}` : `${inF}*${this.unitCount}`,
      flops: 2 * inF * this.unitCount,
      window: null,
      global: true,
    };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, units: this.unitCount, activation: this.activation, useBias: this.useBias, inputShape: this.declaredInputShape };
  }
}

export const denseDescriptor: LayerDescriptor<Dense> = {
  className: 'Dense',
  config: [
    { name: 'name', keras: 'name' },
    { name: 'units', keras: 'units' },
    { name: 'activation', keras: 'activation', default: 'linear' },
    { name: 'useBias', keras: 'use_bias', default: true },
  ],
  fixed: [],
  kerasExtras: KERNEL_AND_BIAS_EXTRAS,
  kerasInputDim: true,
  example: { units: 128, activation: 'relu' },
  create: (options) => new Dense(options as never),
  onnx(layer, graph) {
    // Gemm with the [IN, OUT] kernel as Keras holds it (transB 0).
    const kernel = layer.kernelWeight, bias = layer.biasWeight;
    graph.addInitializer(kernel.name, [...kernel.shape], kernel.value);
    if (bias) graph.addInitializer(bias.name, [...bias.shape], bias.value);
    graph.add(`${layer.name}/Gemm`, 'Gemm', bias ? [kernel.name, bias.name] : [kernel.name]);
    onnxActivation(graph, layer.name!, layer.activation);
  },
};
