/**
 * LeakyReLU: y = x for x >= 0, alpha * x below, as Keras's layer, whose
 * default slope is 0.3 (the 'leaky_relu' activation name means the function,
 * slope 0.2: backend/backend.ts). It is also how a leaky ReLU reaches TF.js,
 * which knows LeakyReLU as a layer but not 'leaky_relu' as an activation name:
 * Dense(units) followed by LeakyReLU({ alpha: 0.2 }) computes what
 * Dense(units, activation: 'leaky_relu') does (test/layers/leaky-relu.test.ts).
 */
import type { FloatArray } from '../backend/backend.js';
import { shapeSize } from '../core/tensor.js';
import { Layer, type BuildContext, type LayerDetails, type LayerPlan } from './layer.js';
import type { LayerDescriptor } from './layer-descriptor.js';
import { ConfigError, ConvkitError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { knownLayerOptions, optionKeys } from './validate-options.js';

export interface LeakyReLUOptions {
  /** Slope below 0, finite and >= 0 (default 0.3, Keras's). */
  alpha?: number;
  inputShape?: readonly number[];
  name?: string;
}

export class LeakyReLU extends Layer {
  readonly className = 'LeakyReLU';
  readonly namePrefix = 'leaky_re_lu';
  readonly alpha: number;
  private input: FloatArray | undefined;
  private output: FloatArray | undefined;

  constructor(options: LeakyReLUOptions = {}) {
    super(options ?? {});
    knownLayerOptions('LeakyReLU', options, optionKeys<Omit<LeakyReLUOptions, 'name' | 'inputShape' | 'trainable'>>({ alpha: true }));
    const alpha = options?.alpha ?? 0.3;
    // A negative slope would make the output's sign no longer say which side x was on; Keras refuses it too.
    if (typeof alpha !== 'number' || !(alpha >= 0) || !Number.isFinite(alpha)) {
      throw new ConfigError(`LeakyReLU expects alpha to be a finite number >= 0, e.g. 0.3; received ${quoteValue(alpha)}.`);
    }
    this.alpha = alpha;
  }

  plan(inputShape: readonly number[]): LayerPlan {
    return { weights: [], outputShape: [...inputShape] };
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    return this.plan(inputShape).outputShape;
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    const size = batch * shapeSize(this.inputShape);
    const y = (this.output = this.reuse(this.output, size));
    const alpha = this.alpha;
    for (let i = 0; i < size; i++) y[i] = x[i] < 0 ? x[i] * alpha : x[i];
    this.input = training ? x : undefined;
    return y;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!needInputGrad) return null;
    const x = this.input;
    if (!x) throw new ConvkitError(`${this.displayName}: backward called without a training forward pass.`);
    const size = batch * shapeSize(this.inputShape);
    for (let i = 0; i < size; i++) if (x[i] < 0) dy[i] *= this.alpha;
    return dy;
  }

  details(): LayerDetails {
    return { formula: '0', flops: shapeSize(this.outputShape), window: null, global: false };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, alpha: this.alpha, inputShape: this.declaredInputShape };
  }
}

export const leakyReluDescriptor: LayerDescriptor<LeakyReLU> = {
  className: 'LeakyReLU',
  // TF.js and Keras 2 write the slope as alpha; Keras 3 as negative_slope, read too.
  config: [{ name: 'name', keras: 'name' }, { name: 'alpha', keras: 'alpha', default: 0.3, kerasAliases: ['negative_slope'] }],
  fixed: [],
  example: { alpha: 0.3 },
  create: (options) => new LeakyReLU(options as LeakyReLUOptions),
  onnx(layer, graph) {
    graph.add(`${layer.name}/LeakyRelu`, 'LeakyRelu', [], [{ name: 'alpha', float: layer.alpha }]);
  },
};
