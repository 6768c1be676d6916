/**
 * What Dense and Conv2D share: a linear map (matmul or convolution) followed by
 * bias + activation over the last axis, and the matching backward pass.
 * Subclasses supply only the linear part and its two gradients.
 */
import type { BiasActivationEpilogue, EpilogueActivation, FloatArray } from '../backend/backend.js';
import { Layer, type Weight } from './layer.js';
import { activationBackprop, applyActivationAfterBias, applyBiasActivation, isEpilogueActivation, keepsPreActivation, type ActivationName } from './activations.js';
import { ConvkitError } from '../core/errors.js';

export abstract class AffineLayer extends Layer {
  abstract readonly activation: ActivationName;
  abstract readonly useBias: boolean;
  protected kernel!: Weight;
  protected bias: Weight | null = null;

  private input: FloatArray | undefined;
  private output: FloatArray | undefined;
  /** Softmax's logits, or the pre-activation of leaky_relu, elu, gelu and swish while training. */
  private preActivation: FloatArray | undefined;
  private inputGrad: FloatArray | undefined;

  /** Output channels / units: the last axis, where bias and activation apply. */
  protected abstract get units(): number;
  /**
   * y = linear(x) for the batch, overwriting y. A subclass whose kernel takes a
   * bias + activation epilogue applies `epilogue` and returns true (one pass
   * over y instead of two); otherwise it ignores it and returns false.
   */
  protected abstract linearForward(x: FloatArray, y: FloatArray, batch: number, epilogue: BiasActivationEpilogue | null): boolean;
  /** Writes the kernel gradient from the input x and dz = dL/d(pre-activation). */
  protected abstract kernelGrad(x: FloatArray, dz: FloatArray, batch: number): void;
  /** Writes dL/dx into dx from dz. */
  protected abstract inputGradient(dz: FloatArray, dx: FloatArray, batch: number): void;

  /** The kernel weight ([KH, KW, C, OC] or [IN, OUT]), for a plan step that runs this layer's math in a fused kernel. */
  get kernelWeight(): Weight {
    return this.kernel;
  }

  get biasWeight(): Weight | null {
    return this.bias;
  }

  override weights(): Weight[] {
    return this.bias ? [this.kernel, this.bias] : [this.kernel];
  }

  private rows(batch: number): number {
    return (batch * this.outputSize) / this.units;
  }

  get outputSize(): number {
    return this.outputShape.reduce((a, b) => a * b, 1);
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    const size = batch * this.outputSize;
    const y = (this.output = this.reuse(this.output, size));
    const softmax = this.activation === 'softmax';
    // Softmax keeps its logits (a loss reads them); leaky_relu, elu, gelu and swish their pre-activation, for backward only.
    const saved = softmax || (training && keepsPreActivation(this.activation)) ? (this.preActivation = this.reuse(this.preActivation, size)) : null;
    const bias = this.bias?.value ?? null;
    // The kernel's epilogue applies the whole activation when it can and nothing must be kept; else only the bias.
    const whole = !saved && isEpilogueActivation(this.activation);
    const epilogue = softmax ? null : { bias, activation: whole ? this.activation as EpilogueActivation : 'linear' as const };
    if (!this.linearForward(x, y, batch, epilogue)) {
      applyBiasActivation(this.backend, this.activation, y, bias, this.rows(batch), this.units, saved);
    } else if (!whole) {
      applyActivationAfterBias(this.backend, this.activation, y, this.rows(batch), this.units, saved);
    }
    // Only training needs the input kept for the kernel gradient.
    this.input = training ? x : undefined;
    return y;
  }

  /** Pre-softmax values of the last forward pass (softmax layers only): what a loss on logits reads. */
  lastLogits(): FloatArray {
    if (!this.preActivation || this.activation !== 'softmax') {
      throw new ConvkitError(`${this.displayName} has no logits: it has no softmax activation or has not run forward.`);
    }
    return this.preActivation;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    // dz overwrites dy: the caller's buffer is not read again in this step.
    if (this.bias && this.activation !== 'softmax') {
      this.requireInput();
      // One pass: dz and its column sums (the bias gradient) together; from the pre-activation where the activation keeps it.
      const from = keepsPreActivation(this.activation) ? this.preActivation! : this.output!;
      this.backend.activationBackpropBiasGrad(this.activation, from, dy, dy, this.bias.grad, this.rows(batch), this.units);
      return this.linearBackward(dy, batch, needInputGrad);
    }
    activationBackprop(this.backend, this.activation, this.output!, this.preActivation, dy, dy, this.rows(batch), this.units);
    return this.backwardFromPreActivation(dy, batch, needInputGrad);
  }

  private inputGradBuffer(batch: number): FloatArray {
    return (this.inputGrad = this.reuse(this.inputGrad, batch * this.inputShape.reduce((a, b) => a * b, 1)));
  }

  private requireInput(): FloatArray {
    if (!this.input) {
      throw new ConvkitError(`${this.displayName}: backward called without a training forward pass.`);
    }
    return this.input;
  }

  /** Backward from dL/d(pre-activation) directly: the gradient a loss on logits gives. */
  backwardFromPreActivation(dz: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    this.requireInput();
    if (this.bias) this.backend.biasGrad(dz, this.bias.grad, this.rows(batch), this.units);
    return this.linearBackward(dz, batch, needInputGrad);
  }

  /** Kernel gradient and (when asked) input gradient from dz; the bias gradient is already done. */
  private linearBackward(dz: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    this.kernelGrad(this.requireInput(), dz, batch);
    if (!needInputGrad) return null;
    const dx = this.inputGradBuffer(batch);
    this.inputGradient(dz, dx, batch);
    return dx;
  }
}
