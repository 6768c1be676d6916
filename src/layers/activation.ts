/**
 * Activation: y = activation(x) element-wise (softmax: over the last axis), as
 * Keras's `keras.layers.Activation('relu')`. It has no weights; the same
 * kernels as a Dense or Conv2D activation run it, so Conv2D(linear) followed by
 * Activation('relu') computes what Conv2D(activation='relu') does, and the
 * model's plan fuses both alike (test/execution-plan.test.ts).
 */
import type { FloatArray } from '../backend/backend.js';
import { shapeSize } from '../core/tensor.js';
import { activationBackprop, parseActivation, type ActivationIdentifier, type ActivationName } from './activations.js';
import { Layer, type BuildContext, type LayerDetails, type LayerPlan } from './layer.js';
import { onnxActivation, type LayerDescriptor } from './layer-descriptor.js';
import { ConfigError, ConvkitError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { knownLayerOptions, optionKeys } from './validate-options.js';

export interface ActivationOptions {
  trainable?: boolean;
  activation: ActivationIdentifier;
  inputShape?: readonly number[];
  name?: string;
}

export class Activation extends Layer {
  readonly className = 'Activation';
  readonly namePrefix = 'activation';
  readonly activation: ActivationName;
  private input: FloatArray | undefined;
  private output: FloatArray | undefined;

  /** `new Activation('relu')` as in Keras, or `new Activation({ activation: 'relu', name })`. */
  constructor(options: ActivationIdentifier | ActivationOptions) {
    const given = typeof options === 'string' ? { activation: options } : options;
    if (typeof given !== 'object' || given === null) {
      throw new ConfigError(`Activation expects an activation name such as 'relu' or { activation: 'relu' }; received ${quoteValue(options)}.`);
    }
    super(given);
    knownLayerOptions('Activation', given, optionKeys<Omit<ActivationOptions, 'name' | 'inputShape' | 'trainable'>>({ activation: true }));
    if (given.activation === undefined) throw new ConfigError(`Activation expects an activation, e.g. { activation: 'relu' }; received none.`);
    this.activation = parseActivation('Activation', given.activation);
  }

  plan(inputShape: readonly number[]): LayerPlan {
    return { weights: [], outputShape: [...inputShape] };
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    return this.plan(inputShape).outputShape;
  }

  /** Softmax and the bias-free activations run over rows of the last axis. */
  private get columns(): number {
    return this.inputShape[this.inputShape.length - 1];
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    const size = batch * shapeSize(this.inputShape);
    // Softmax keeps its input: a loss on logits reads it (lastLogits). leaky_relu, elu, gelu and
    // swish differentiate from it (their pre-activation); the others need only the output.
    this.input = this.activation === 'softmax' || training ? x : undefined;
    if (this.activation === 'linear') return x;
    const y = (this.output = this.reuse(this.output, size));
    const rows = size / this.columns;
    if (this.activation === 'softmax') {
      this.backend.softmax(x, y, rows, this.columns);
    } else {
      y.set(x.subarray(0, size));
      this.backend.biasActivation(y, null, rows, this.columns, this.activation);
    }
    return y;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!needInputGrad) return null;
    if (!this.input) throw new ConvkitError(`${this.displayName}: backward called without a training forward pass.`);
    if (this.activation === 'linear') return dy;
    const size = batch * shapeSize(this.inputShape);
    // dz overwrites dy, as in the affine layers: the caller does not read it again.
    activationBackprop(this.backend, this.activation, this.output!, this.input, dy, dy, size / this.columns, this.columns);
    return dy;
  }

  /** The softmax's input of the last forward pass: what a loss on logits reads. */
  lastLogits(): FloatArray {
    if (this.activation !== 'softmax' || !this.input) {
      throw new ConvkitError(`${this.displayName} has no logits: its activation is ${this.activation} or it has not run forward.`);
    }
    return this.input;
  }

  /** dL/d(input) when the loss gave dL/d(logits): the softmax's input is the logits, so it passes through. */
  backwardFromPreActivation(dz: FloatArray, _batch: number, needInputGrad: boolean): FloatArray | null {
    return needInputGrad ? dz : null;
  }

  details(): LayerDetails {
    // One operation per element (softmax: about three, counted as one like Keras's FLOP counters).
    return { formula: '0', flops: this.activation === 'linear' ? 0 : shapeSize(this.outputShape), window: null, global: false };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, activation: this.activation, inputShape: this.declaredInputShape };
  }
}

export const activationDescriptor: LayerDescriptor<Activation> = {
  className: 'Activation',
  config: [{ name: 'name', keras: 'name' }, { name: 'activation', keras: 'activation' }],
  fixed: [],
  example: { activation: 'relu' },
  create: (options) => new Activation(options as never),
  onnx(layer, graph) {
    onnxActivation(graph, layer.name!, layer.activation);
  },
};
