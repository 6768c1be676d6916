/**
 * The compile() settings of a model as plain JSON (optimizer config, loss,
 * metrics), and their restoration from a file through a fixed allowlist of
 * optimizers: a name in a file selects one of convkit's own classes, with
 * every option type-checked before it reaches the constructor.
 */
import { getLoss } from '../losses/losses.js';
import { parseMetrics } from '../metrics/metrics.js';
import type { Sequential } from '../model/sequential.js';
import { Adam, RMSprop, SGD, type Optimizer } from '../optimizers/optimizer.js';
import { ModelFileError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';

export interface TrainingConfig {
  optimizer: Record<string, unknown>;
  loss: string;
  fromLogits: boolean;
  /** Written only when not 0, so files of models without smoothing stay as they were. */
  labelSmoothing?: number;
  metrics: string[];
}

export function describeTraining(model: Sequential): TrainingConfig | undefined {
  if (!model.optimizer || !model.loss) return undefined;
  const { name, fromLogits, labelSmoothing } = model.loss;
  return { optimizer: model.optimizer.getConfig(), loss: name, fromLogits, ...(labelSmoothing !== 0 ? { labelSmoothing } : {}), metrics: [...model.metrics] };
}

type Check = (value: unknown) => boolean;
const finite: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const unitInterval: Check = (v) => finite(v) && (v as number) >= 0 && (v as number) < 1;
const positive: Check = (v) => finite(v) && (v as number) > 0;
const nonNegative: Check = (v) => finite(v) && (v as number) >= 0;
const boolean: Check = (v) => typeof v === 'boolean';

interface AllowedOptimizer {
  options: Record<string, [Check, string]>;
  create(options: Record<string, unknown>): Optimizer;
}

const OPTIMIZERS: ReadonlyMap<string, AllowedOptimizer> = new Map<string, AllowedOptimizer>([
  ['adam', {
    options: { learningRate: [positive, 'a positive number'], beta1: [unitInterval, 'in [0, 1)'], beta2: [unitInterval, 'in [0, 1)'], epsilon: [nonNegative, 'a non-negative number'] },
    create: (o: Record<string, unknown>) => new Adam(o),
  }],
  ['sgd', {
    options: { learningRate: [positive, 'a positive number'], momentum: [unitInterval, 'in [0, 1)'], nesterov: [boolean, 'true or false'] },
    create: (o: Record<string, unknown>) => new SGD(o),
  }],
  ['rmsprop', {
    options: { learningRate: [positive, 'a positive number'], rho: [unitInterval, 'in [0, 1)'], epsilon: [nonNegative, 'a non-negative number'] },
    create: (o: Record<string, unknown>) => new RMSprop(o),
  }],
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function restoreOptimizer(config: unknown, where: string): Optimizer {
  if (!isObject(config)) throw new ModelFileError(`${where}: the optimizer config must be an object; received ${quoteValue(config)}.`);
  const entry = typeof config.name === 'string' ? OPTIMIZERS.get(config.name) : undefined;
  if (!entry) throw new ModelFileError(`${where}: optimizer ${quoteValue(config.name)} is not one convkit loads; allowed: ${[...OPTIMIZERS.keys()].join(', ')}.`);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'name') continue;
    const rule = Object.hasOwn(entry.options, key) ? entry.options[key] : undefined;
    if (!rule) throw new ModelFileError(`${where}: optimizer ${config.name} has no option ${quoteValue(key)}; allowed: ${Object.keys(entry.options).join(', ')}.`);
    if (!rule[0](value)) throw new ModelFileError(`${where}: optimizer ${config.name} expects ${key} ${rule[1]}; received ${quoteValue(value)}.`);
    options[key] = value;
  }
  return entry.create(options);
}

/** Compiles `model` as the file says. */
export function restoreTraining(model: Sequential, config: unknown, where: string): void {
  const keys = ['optimizer', 'loss', 'fromLogits', 'labelSmoothing', 'metrics'];
  if (!isObject(config) || Object.keys(config).some((k) => !keys.includes(k))) {
    throw new ModelFileError(`${where}: training_config must be an object with the keys ${keys.join(', ')}; received ${quoteValue(config)}.`);
  }
  if (typeof config.fromLogits !== 'boolean') throw new ModelFileError(`${where}: training_config.fromLogits must be true or false; received ${quoteValue(config.fromLogits)}.`);
  try {
    const optimizer = restoreOptimizer(config.optimizer, where);
    // getLoss and parseMetrics only match names against their own fixed lists.
    const lossOptions = { fromLogits: config.fromLogits, ...(config.labelSmoothing !== undefined ? { labelSmoothing: config.labelSmoothing as number } : {}) };
    const loss = getLoss(config.loss, lossOptions);
    const metrics = parseMetrics(config.metrics);
    model.compile({ optimizer, loss: { name: loss.name, ...lossOptions }, metrics });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModelFileError(message.startsWith(where) ? message : `${where}: ${message}`, { cause: error });
  }
}
