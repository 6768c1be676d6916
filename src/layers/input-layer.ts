/**
 * Input: declares a Sequential model's per-sample input shape, as Keras's
 * `keras.Input(shape=(28, 28, 1))` first in a Sequential list. The model takes
 * the shape and does not keep the Input among its layers (Keras's
 * model.layers leaves it out too), so summaries, model files and exports are
 * those of a model whose first layer declared inputShape. Not in the layer
 * registry: a model file holds the model's input shape, not this object.
 * TF.js's InputLayer is read on import (io/tfjs-import.ts).
 * Test: test/layers/input-layer.test.ts.
 */
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { checkKnownKeys } from '../core/check-options.js';
import type { BuildContext, LayerPlan } from './layer.js';
import { ViewLayer } from './view-layer.js';

export interface InputOptions {
  /** The per-sample shape, without the batch dimension: [28, 28, 1]. */
  shape: readonly number[];
  name?: string;
}

export class InputLayer extends ViewLayer {
  readonly className = 'InputLayer';
  readonly namePrefix = 'input_layer';
  readonly shape: readonly number[];

  constructor(options: InputOptions) {
    // Keras's Input takes a shape and a name only; inputShape or trainable here would be a mistake.
    checkKnownKeys('Input', options, ['shape', 'name']);
    const shape = (options as Partial<InputOptions> | undefined)?.shape;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ConfigError(`Input expects shape as a list of positive integers without the batch dimension, e.g. { shape: [28, 28, 1] }; received ${quoteValue(shape)}.`);
    }
    super({ name: options.name, inputShape: shape });
    this.shape = [...shape];
  }

  plan(inputShape: readonly number[]): LayerPlan {
    return { weights: [], outputShape: inputShape };
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    return inputShape;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, shape: [...this.shape] };
  }
}
