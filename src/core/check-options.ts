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

/**
 * The keys of an options type, written once as an object so that the compiler
 * checks the list is complete: a key added to the type and not here fails to
 * compile, instead of being refused at run time as unknown.
 */
export function optionKeys<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}

/** Edit distance between two strings (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Case, '_' and '-' ignored, so Keras's pool_size finds poolSize. */
function normalized(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * The known option nearest to an unknown key: the same name in another case
 * style first (pool_size -> poolSize), then a known name it begins
 * (warmup -> warmupFraction), else the closest by edit distance when
 * it is close enough to be a typo (a third of the key's length, at least 2).
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const target = normalized(key);
  const same = known.find((k) => normalized(k) === target);
  if (same) return same;
  // A shortened name (warmup -> warmupFraction) is a prefix of the one meant.
  const longer = target.length >= 3 ? known.find((k) => normalized(k).startsWith(target)) : undefined;
  if (longer) return longer;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(target.length / 3)) + 1;
  for (const k of known) {
    const distance = editDistance(target, normalized(k));
    if (distance < bestDistance) [best, bestDistance] = [k, distance];
  }
  return best;
}

/**
 * Refuses an option object with a key outside `known`, naming the key and the
 * nearest known one: an option convkit does not read would otherwise be
 * ignored without a word (`{ pool_size: 3 }` building a 2x2 pool). The one
 * check of unknown keys for layers, compile, fit, evaluate, predict and
 * callbacks (test/core/check-options.test.ts). Non-objects pass: the caller's
 * own checks describe them.
 */
export function checkKnownKeys(where: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return;
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearestKey(key, known);
    const hint = near ? ` did you mean ${quoteValue(near)}?` : ` known options: ${known.join(', ')}.`;
    throw new ConfigError(`${where} got an unknown option ${quoteValue(key)};${hint}`);
  }
}
