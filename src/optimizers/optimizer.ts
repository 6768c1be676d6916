/**
 * Optimizers with Keras 3 defaults. Each keeps per-weight slot buffers
 * (momentum, second moments) created lazily on the first step, and hands the
 * element-wise update to the backend so the native path runs it vectorised.
 */
import type { Backend, FloatArray } from '../backend/backend.js';
import type { Weight } from '../layers/layer.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { checkBoolean, checkKnownKeys, checkNonNegativeNumber, checkPositiveNumber, checkUnitInterval } from '../core/check-options.js';

export abstract class Optimizer {
  abstract readonly name: string;
  learningRate: number;
  /** Number of update steps applied so far (Keras `iterations`). */
  iterations = 0;
  protected readonly slots = new Map<Weight, FloatArray[]>();

  constructor(learningRate: number) {
    this.learningRate = checkPositiveNumber(this.constructor.name, 'learningRate', learningRate, '0.001');
  }

  protected abstract slotCount: number;
  protected abstract update(backend: Backend, weight: Weight, slots: FloatArray[]): void;

  applyGradients(backend: Backend, weights: readonly Weight[]): void {
    this.iterations++;
    for (const weight of weights) {
      if (!weight.trainable) continue;
      let slots = this.slots.get(weight);
      if (!slots) {
        const make = (): FloatArray => (weight.value instanceof Float64Array ? new Float64Array(weight.value.length) : new Float32Array(weight.value.length));
        slots = Array.from({ length: this.slotCount }, make);
        this.slots.set(weight, slots);
      }
      this.update(backend, weight, slots);
    }
  }

  abstract getConfig(): Record<string, unknown>;

  /** Names of the per-weight slots, in slot order (Keras names where Keras has them); used by checkpoints. */
  abstract get slotNames(): readonly string[];

  /** The slot buffers of one weight (live, not copies), or undefined before its first update. */
  getSlots(weight: Weight): readonly FloatArray[] | undefined {
    return this.slots.get(weight);
  }

  /**
   * Restores the slots of one weight from a checkpoint (copied in), so the next
   * step continues exactly where the saved run stopped.
   */
  setSlots(weight: Weight, values: readonly FloatArray[]): void {
    if (values.length !== this.slotCount || values.some((v) => v.length !== weight.value.length || v.constructor !== weight.value.constructor)) {
      throw new ShapeError(`${this.constructor.name}.setSlots(): ${weight.name} expects ${this.slotCount} slot(s) of ${weight.value.length} ${weight.value.constructor.name} values.`);
    }
    this.slots.set(weight, values.map((v) => v.slice()));
  }
}

export class Adam extends Optimizer {
  readonly name = 'adam';
  protected slotCount = 2;
  readonly slotNames = ['m', 'v'];
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number } = {}) {
    checkKnownKeys('Adam', options, ['learningRate', 'beta1', 'beta2', 'epsilon']);
    super(options.learningRate ?? 0.001);
    this.beta1 = checkUnitInterval('Adam', 'beta1', options.beta1 ?? 0.9, '0.9');
    this.beta2 = checkUnitInterval('Adam', 'beta2', options.beta2 ?? 0.999, '0.999');
    this.epsilon = checkNonNegativeNumber('Adam', 'epsilon', options.epsilon ?? 1e-7, '1e-7');
  }

  protected update(backend: Backend, weight: Weight, [m, v]: FloatArray[]): void {
    const t = this.iterations;
    const alpha = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    backend.adamUpdate(weight.value, weight.grad, m, v, weight.value.length, alpha, this.beta1, this.beta2, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: { learningRate?: number; momentum?: number; nesterov?: boolean } = {}) {
    checkKnownKeys('SGD', options, ['learningRate', 'momentum', 'nesterov']);
    super(options.learningRate ?? 0.01);
    this.momentum = checkUnitInterval('SGD', 'momentum', options.momentum ?? 0, '0.9');
    this.nesterov = checkBoolean('SGD', 'nesterov', options.nesterov ?? false);
  }

  protected get slotCount(): number {
    return this.momentum > 0 ? 1 : 0;
  }

  get slotNames(): readonly string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected update(backend: Backend, weight: Weight, slots: FloatArray[]): void {
    backend.sgdUpdate(weight.value, weight.grad, slots[0] ?? null, weight.value.length, this.learningRate, this.momentum, this.nesterov);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}

export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  protected slotCount = 1;
  readonly slotNames = ['velocity'];
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: { learningRate?: number; rho?: number; epsilon?: number } = {}) {
    checkKnownKeys('RMSprop', options, ['learningRate', 'rho', 'epsilon']);
    super(options.learningRate ?? 0.001);
    this.rho = checkUnitInterval('RMSprop', 'rho', options.rho ?? 0.9, '0.9');
    this.epsilon = checkNonNegativeNumber('RMSprop', 'epsilon', options.epsilon ?? 1e-7, '1e-7');
  }

  protected update(backend: Backend, weight: Weight, [meanSquare]: FloatArray[]): void {
    backend.rmspropUpdate(weight.value, weight.grad, meanSquare, weight.value.length, this.learningRate, this.rho, this.epsilon);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}

export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop'] as const;
/** Every name compile() accepts for an optimizer (Keras's class names too); a typo fails to compile. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number] | 'Adam' | 'SGD' | 'RMSprop';

/** An optimizer from a name ('adam') or an instance; unknown names list the choices. */
export function getOptimizer(value: unknown): Optimizer {
  if (value instanceof Optimizer) return value;
  const name = typeof value === 'string' ? value.toLowerCase() : undefined;
  switch (name) {
    case 'adam': return new Adam();
    case 'sgd': return new SGD();
    case 'rmsprop': return new RMSprop();
    default:
      throw new ConfigError(
        `compile() got an unknown optimizer ${quoteValue(value)}; expected one of ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')} or an optimizer object such as new Adam({ learningRate: 0.001 }).`,
      );
  }
}
