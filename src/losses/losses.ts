/**
 * Losses by name, as compile() takes them: a name ('binary_crossentropy',
 * 'mse' ...) or { name, fromLogits, labelSmoothing }. Every name and option
 * is checked here, so a loss object is always one convkit can compute.
 */
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { checkBoolean, checkKnownKeys } from '../core/check-options.js';
import { LOSS_NAMES, type Loss, type LossName } from './loss.js';
import { crossEntropy } from './cross-entropy.js';
import { binaryCrossentropy } from './binary-crossentropy.js';
import { meanAbsoluteError, meanSquaredError } from './regression-losses.js';

export { LOSS_NAMES, PROBABILITY_EPSILON, type Loss, type LossName, type RowWeights, type Targets } from './loss.js';

/** Keras's short names and class names, accepted beside the canonical names. */
const ALIASES: Readonly<Record<string, LossName>> = {
  mse: 'mean_squared_error', meansquarederror: 'mean_squared_error',
  mae: 'mean_absolute_error', meanabsoluteerror: 'mean_absolute_error',
  sparsecategoricalcrossentropy: 'sparse_categorical_crossentropy',
  categoricalcrossentropy: 'categorical_crossentropy',
  binarycrossentropy: 'binary_crossentropy',
};

/** Every name compile() accepts for a loss; a typo fails to compile. */
export type LossIdentifier =
  | LossName | 'mse' | 'mae'
  | 'SparseCategoricalCrossentropy' | 'CategoricalCrossentropy' | 'BinaryCrossentropy' | 'MeanSquaredError' | 'MeanAbsoluteError';

export interface LossOptions {
  /** The model's output is logits (no softmax / sigmoid in the model); cross-entropies only. */
  fromLogits?: boolean;
  /**
   * Keras's label_smoothing in [0, 1], for categorical_crossentropy (targets become
   * t (1 - s) + s / classes) and binary_crossentropy (t (1 - s) + s / 2).
   */
  labelSmoothing?: number;
}

/** compile({ loss: { name: 'binary_crossentropy', fromLogits: true } }). */
export interface LossConfig extends LossOptions {
  name: LossIdentifier;
}

const CONFIG_KEYS = ['name', 'fromLogits', 'labelSmoothing'] as const;

function resolveName(value: unknown): LossName | undefined {
  if (typeof value !== 'string') return undefined;
  const key = value.toLowerCase().replace(/-/g, '_');
  if ((LOSS_NAMES as readonly string[]).includes(key)) return key as LossName;
  return ALIASES[key.replace(/_/g, '')];
}

/** A loss from a name or a { name, fromLogits, labelSmoothing } object; `options` (compile's lossOptions) apply to a name. */
export function getLoss(value: unknown, options: LossOptions = {}): Loss {
  let given: LossOptions = options;
  let nameValue = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    checkKnownKeys('compile() loss', value as Record<string, unknown>, CONFIG_KEYS);
    ({ name: nameValue, ...given } = value as LossConfig);
    given = { ...options, ...given };
  } else {
    checkKnownKeys('compile() lossOptions', options as Record<string, unknown>, ['fromLogits', 'labelSmoothing']);
  }
  const name = resolveName(nameValue);
  if (!name) {
    throw new ConfigError(`compile() got an unknown loss ${quoteValue(nameValue)}; expected one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')} (or 'mse', 'mae').`);
  }
  const fromLogits = checkBoolean('compile()', 'fromLogits', given.fromLogits ?? false);
  const smoothing = given.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new ConfigError(`compile() expects labelSmoothing in [0, 1], e.g. 0.1; received ${quoteValue(smoothing)}.`);
  }
  const crossEntropyLoss = name === 'binary_crossentropy' || name === 'categorical_crossentropy';
  if (smoothing !== 0 && !crossEntropyLoss) {
    const hint = name === 'sparse_categorical_crossentropy'
      ? " Keras's SparseCategoricalCrossentropy has none either: use 'categorical_crossentropy' with one-hot targets."
      : '';
    throw new ConfigError(`compile(): loss '${name}' takes no labelSmoothing (received ${smoothing}); only 'categorical_crossentropy' and 'binary_crossentropy' do.${hint}`);
  }
  if (fromLogits && (name === 'mean_squared_error' || name === 'mean_absolute_error')) {
    throw new ConfigError(`compile(): loss '${name}' takes no fromLogits; it compares the model's output with the targets as they are.`);
  }
  switch (name) {
    case 'binary_crossentropy': return binaryCrossentropy(fromLogits, smoothing);
    case 'mean_squared_error': return meanSquaredError();
    case 'mean_absolute_error': return meanAbsoluteError();
    default: return crossEntropy(name, name === 'sparse_categorical_crossentropy', fromLogits, smoothing);
  }
}
