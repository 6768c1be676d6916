/** Constructor option checks that name the layer, the expectation and the received value. */
import { ConfigError, ShapeError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { checkKnownKeys, optionKeys } from '../core/check-options.js';

export { optionKeys };

/** Options the Layer base class reads for every layer. */
export const COMMON_LAYER_OPTIONS: readonly string[] = ['name', 'inputShape', 'trainable'];

/**
 * Refuses an option this layer does not read (`{ pool_size: 3 }`, `{ dilationRate: 2 }`),
 * naming the nearest known one: the unknown-key check of core/check-options.ts with the
 * layer's own options and the common ones.
 */
export function knownLayerOptions(layer: string, options: unknown, own: readonly string[]): void {
  checkKnownKeys(layer, options, [...own, ...COMMON_LAYER_OPTIONS]);
}

export function positiveInteger(layer: string, option: string, value: unknown, example: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${layer} expects ${option} to be a positive integer (e.g. ${example}); received ${quoteValue(value)}.`);
  }
  return value;
}

/** A size given as n or [h, w], like Keras kernel_size / pool_size / strides. */
export function pairOfPositiveIntegers(layer: string, option: string, value: unknown, example: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v > 0)) {
    throw new ConfigError(
      `${layer} expects ${option} to be a positive integer or a pair [height, width] of positive integers (e.g. ${example}); received ${quoteValue(value)}.`,
    );
  }
  return [pair[0], pair[1]];
}

export function oneOf<T extends string>(layer: string, option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${layer} expects ${option} to be one of ${allowed.map((a) => `'${a}'`).join(', ')}; received ${quoteValue(value)}.`);
  }
  return value as T;
}

/** Rank check on the per-sample input shape, with the batch dimension added back for the message. */
export function expectInputRank(layer: string, inputShape: readonly number[], rank: number, meaning: string, fix: string): void {
  if (inputShape.length + 1 !== rank) {
    throw new ShapeError(
      `${layer} expects input of rank ${rank} (${meaning}); received shape [None, ${inputShape.join(', ')}]. ${fix}`,
    );
  }
}

export function optionalBoolean(layer: string, option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(`${layer} expects ${option} to be true or false; received ${quoteValue(value)}.`);
  return value;
}
