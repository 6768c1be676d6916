/**
 * What Dense and Conv2D share: a linear map (matmul or convolution) followed by
 * bias + activation over the last axis, and the matching backward pass.
 * Subclasses supply only the linear part and its two gradients.
 */
import type { BiasActivationEpilogue, FloatArray, PooledReluGradient } from '../backend/backend.js';
import { Layer, type Weight } from './layer.js';
import type { MaxPooling2D } from './max-pooling2d.js';
import { activationBackprop, applyBiasActivation, type ActivationName } from './activations.js';

export abstract class AffineLayer extends Layer {
  abstract readonly activation: ActivationName;
  abstract readonly useBias: boolean;
  protected kernel!: Weight;
  protected bias: Weight | null = null;

  private input: FloatArray | undefined;
  private output: FloatArray | undefined;
  private logits: FloatArray | undefined;
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
    const keepLogits = this.activation === 'softmax';
    const epilogue = keepLogits ? null : { bias: this.bias?.value ?? null, activation: this.activation as Exclude<ActivationName, 'softmax'> };
    if (!this.linearForward(x, y, batch, epilogue)) {
      if (keepLogits) this.logits = this.reuse(this.logits, size);
      applyBiasActivation(this.backend, this.activation, y, this.bias?.value ?? null, this.rows(batch), this.units, keepLogits ? this.logits! : null);
    }
    // Only training needs the input kept for the kernel gradient.
    this.input = training ? x : undefined;
    return y;
  }

  /** Pre-softmax values of the last forward pass (softmax layers only), for a fused loss. */
  lastLogits(): FloatArray {
    if (!this.logits || this.activation !== 'softmax') {
      throw new Error(`${this.displayName} has no logits: it has no softmax activation or has not run forward.`);
    }
    return this.logits;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    // dz overwrites dy: the caller's buffer is not read again in this step.
    if (this.bias && this.activation !== 'softmax') {
      this.requireInput();
      // One pass: dz and its column sums (the bias gradient) together.
      this.backend.activationBackpropBiasGrad(this.activation, this.output!, dy, dy, this.bias.grad, this.rows(batch), this.units);
      return this.linearBackward(dy, batch, needInputGrad);
    }
    activationBackprop(this.backend, this.activation, this.output!, dy, dy, this.rows(batch), this.units);
    return this.backwardFromPreActivation(dy, batch, needInputGrad);
  }

  /**
   * True when a MaxPooling2D right after this layer may take the activation's
   * backward onto its own, smaller output (see backwardThroughPool).
   */
  get fusesWithFollowingPool(): boolean {
    return this.activation === 'relu';
  }

  /**
   * Forward through this layer and the MaxPooling2D after it together, when a
   * subclass and the backend can (Conv2D with a fusing backend): returns the
   * pool's output, or null to run the two layers one after the other.
   */
  forwardThroughPool(pool: MaxPooling2D, x: FloatArray, batch: number, training: boolean): FloatArray | null {
    if (!this.fusesWithFollowingPool) return null;
    const y = this.fusedForwardThroughPool(pool, x, batch, training);
    if (y === null) return null;
    this.input = training ? x : undefined;
    this.output = undefined; // never stored: a plain backward() now fails clearly instead of reading stale values
    return y;
  }

  protected fusedForwardThroughPool(_pool: MaxPooling2D, _x: FloatArray, _batch: number, _training: boolean): FloatArray | null {
    return null;
  }

  /**
   * The relu's backward, the bias gradient (into relu.db), the kernel gradient
   * and the input gradient (into dx when given) from the pooled gradient `g`,
   * when a subclass and the backend can; false, touching nothing, otherwise.
   */
  protected fusedBackwardThroughPool(_pool: MaxPooling2D, _g: FloatArray, _x: FloatArray, _dx: FloatArray | null, _batch: number, _relu: PooledReluGradient): boolean {
    return false;
  }

  /**
   * Backward through `pool` (fed by this layer's output) and this layer's
   * activation, from dy = dL/d(pool output). relu is monotone, so the pool's
   * output at o is relu(z) at o's argmax, and relu'(z) there is (pooled[o] > 0):
   * the mask and the bias gradient are computed on the pooled tensor (4x
   * smaller for 2x2 pooling) and the pool then scatters the masked dy, which
   * is dz exactly (every other dz element is zero in both orders). This skips
   * a full-resolution pass over the activation and its gradient. A fusing
   * backend (fusedBackwardThroughPool) does all of it in one call and never
   * writes the scattered gradient either.
   */
  backwardThroughPool(pool: MaxPooling2D, dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!this.fusesWithFollowingPool) throw new Error(`${this.displayName}: backwardThroughPool needs a relu activation; it has ${this.activation}.`);
    const x = this.requireInput();
    const pooled = pool.lastOutput(batch);
    // A fusing backend does the whole block from the pooled gradient in one call: relu mask,
    // bias gradient, kernel and input gradients, without the conv-sized scatter.
    const dx = needInputGrad ? this.inputGradBuffer(batch) : null;
    if (this.fusedBackwardThroughPool(pool, dy, x, dx, batch, { pooled, db: this.bias?.grad ?? null })) return dx;
    const rows = pooled.length / this.units;
    // The masked gradient overwrites dy, as in backward(): the caller does not read it again.
    if (this.bias) this.backend.activationBackpropBiasGrad('relu', pooled, dy, dy, this.bias.grad, rows, this.units);
    else activationBackprop(this.backend, 'relu', pooled, dy, dy, rows, this.units);
    return this.linearBackward(pool.backward(dy, batch, true)!, batch, needInputGrad);
  }

  private inputGradBuffer(batch: number): FloatArray {
    return (this.inputGrad = this.reuse(this.inputGrad, batch * this.inputShape.reduce((a, b) => a * b, 1)));
  }

  private requireInput(): FloatArray {
    if (!this.input) {
      throw new Error(`${this.displayName}: backward called without a training forward pass.`);
    }
    return this.input;
  }

  /** Backward from dL/d(pre-activation) directly; used when softmax is fused with the loss. */
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
