/**
 * Checks of numeric and boolean options at the API boundary (fit, evaluate,
 * predict, optimizers, callbacks), so that a bad value is a ConfigError that
 * names the call and the option, says what was expected and echoes what was
 * received, before it can reach a loop bound or the native layer (a batchSize
 * of 0 loops forever; 0.5 or NaN becomes a RangeError deep inside a kernel).
 * Layer constructors have their own, in layers/validate-options.ts.
 */
import { ConfigError } from './errors.js';
import { quoteValue } from './quote-value.js';

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** A count such as batchSize or epochs: an integer >= 1. `example` completes "such as ...". */
export function checkPositiveInteger(where: string, option: string, value: unknown, example?: string): number {
  if (!isInteger(value) || value < 1) {
    throw new ConfigError(`${where} expects ${option} to be a positive integer${example ? ` such as ${example}` : ''}; received ${quoteValue(value)}.`);
  }
  return value;
}

/** A count that may be 0, such as initialEpoch or patience. */
export function checkNonNegativeInteger(where: string, option: string, value: unknown): number {
  if (!isInteger(value) || value < 0) throw new ConfigError(`${where} expects ${option} to be a non-negative integer; received ${quoteValue(value)}.`);
  return value;
}

/** A rate or constant that must be > 0 and finite (learning rates, epsilon). */
export function checkPositiveNumber(where: string, option: string, value: unknown, example: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new ConfigError(`${where} expects ${option} to be a positive finite number such as ${example}; received ${quoteValue(value)}.`);
  }
  return value;
}

/** A constant that may be 0 but must be finite (epsilon: 0 gives the textbook formula, as Keras allows). */
export function checkNonNegativeNumber(where: string, option: string, value: unknown, example: string): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new ConfigError(`${where} expects ${option} to be a non-negative finite number such as ${example}; received ${quoteValue(value)}.`);
  }
  return value;
}

/** A decay or fraction in [0, 1) (beta1, beta2, rho, momentum). */
export function checkUnitInterval(where: string, option: string, value: unknown, example: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ConfigError(`${where} expects ${option} in [0, 1) such as ${example}; received ${quoteValue(value)}.`);
  }
  return value;
}

export function checkBoolean(where: string, option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${where} expects ${option} to be true or false; received ${quoteValue(value)}.`);
  return value;
}
