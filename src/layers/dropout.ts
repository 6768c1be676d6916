/**
 * Dropout: while training, zeroes each value with probability `rate` and scales
 * the survivors by 1/(1-rate) (inverted dropout, as Keras); identity otherwise.
 * The mask comes from the model's seeded generator, so runs are repeatable.
 */
import type { FloatArray } from '../backend/backend.js';
import { Layer, type BuildContext, type LayerPlan, type LayerDetails } from './layer.js';
import type { LayerDescriptor } from './layer-descriptor.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { knownLayerOptions } from './validate-options.js';

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly namePrefix = 'dropout';
  readonly rate: number;
  private output: FloatArray | undefined;
  private mask: FloatArray | undefined;

  constructor(options: { rate: number; inputShape?: readonly number[]; name?: string; trainable?: boolean }) {
    super(options ?? {});
    knownLayerOptions('Dropout', options, ['rate']);
    const rate = options?.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new ConfigError(`Dropout expects rate to be a number in [0, 1), e.g. { rate: 0.5 }; received ${quoteValue(rate)}.`);
    }
    this.rate = rate;
  }

  plan(inputShape: readonly number[]): LayerPlan {
    return { weights: [], outputShape: inputShape };
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    return this.plan(inputShape).outputShape;
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    if (!training || this.rate === 0) return x;
    const size = batch * this.outputShape.reduce((a, b) => a * b, 1);
    const y = (this.output = this.reuse(this.output, size));
    const mask = (this.mask = this.reuse(this.mask, size));
    const scale = 1 / (1 - this.rate);
    for (let i = 0; i < size; i++) {
      mask[i] = this.random.next() >= this.rate ? scale : 0;
      y[i] = x[i] * mask[i];
    }
    return y;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!needInputGrad) return null;
    if (this.rate === 0) return dy;
    const mask = this.mask!;
    const size = batch * this.outputShape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < size; i++) dy[i] *= mask[i];
    return dy;
  }

  details(): LayerDetails {
    return { formula: '0', flops: 0, window: null, global: false };
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, rate: this.rate, inputShape: this.declaredInputShape };
  }
}

export const dropoutDescriptor: LayerDescriptor<Dropout> = {
  className: 'Dropout',
  config: [{ name: 'name', keras: 'name' }, { name: 'rate', keras: 'rate' }],
  fixed: [{ keras: 'noise_shape', exported: null, ok: (v) => v === null, expected: 'null' }],
  kerasExtras: { seed: null },
  example: { rate: 0.5 },
  create: (options) => new Dropout(options as never),
  // The identity at inference: no node.
  onnx() {},
};
