/**
 * The training loop behind Sequential.fit: Keras semantics for
 * validationSplit (the LAST fraction of the data, taken before shuffling),
 * per-epoch shuffling from the model's seeded generator, running-mean logs,
 * callbacks, the progress bar, and per-sample loss weights (classWeight /
 * sampleWeight, Keras's class_weight / sample_weight).
 */
import type { FloatArray } from '../backend/backend.js';
import { shapeSize, Tensor } from '../core/tensor.js';
import type { Targets } from '../losses/losses.js';
import { epochHeader, ProgressBar, type ProgressStream } from './progress-bar.js';
import { History, type Callback, type Logs } from './callbacks.js';
import type { Sequential } from './sequential.js';
import { checkInputs, checkTargets } from './validate-data.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { checkBoolean, checkKnownKeys, optionKeys, checkNonNegativeInteger, checkPositiveInteger } from '../core/check-options.js';
import { checkYieldEvery, DEFAULT_YIELD_EVERY_MS, EventLoopTurns, type YieldEvery } from './event-loop-turns.js';

export interface FitOptions {
  epochs?: number;
  /** Zero-based epoch to start from, to resume a run; `epochs` stays the total, as in Keras. */
  initialEpoch?: number;
  batchSize?: number;
  /** Fraction in [0, 1) of the data, taken from the end, held out for validation. */
  validationSplit?: number;
  validationData?: [Tensor, unknown];
  shuffle?: boolean;
  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  callbacks?: Callback[];
  /** Where progress goes (default process.stdout). */
  stream?: ProgressStream;
  /**
   * Loss weight per class, as Keras's class_weight: { 0: 1, 1: 5 } (classes left out weigh 1,
   * as in Keras) or an array of one weight per class. Each sample's loss is multiplied by the
   * weight of its label; with one-hot / probability targets (categorical_crossentropy) the
   * label is the row's argmax, as Keras does. Weights must be finite and >= 0.
   */
  classWeight?: Record<number, number> | ArrayLike<number>;
  /**
   * Loss weight per sample (one per row of x, validation rows included when validationSplit
   * takes them; those are ignored), as Keras's sample_weight. Multiplied by classWeight when
   * both are given. The batch loss is the sum of weighted losses / batch size ("sum_over_batch_size").
   */
  sampleWeight?: Float32Array | number[];
  /**
   * Milliseconds of work between turns given to the event loop (default 50), so that timers,
   * servers and signal handlers run during training; false runs the whole fit as one task.
   */
  yieldEveryMs?: YieldEvery;
  /**
   * Stops training after the current step when aborted (the CLI's Ctrl-C). The interrupted epoch
   * is neither recorded in History nor passed to onEpochEnd, so a checkpoint never claims an
   * epoch that did not finish; History.interrupted says where training stopped.
   */
  signal?: AbortSignal;
}

/** Every key FitOptions has: any other is refused (a misspelled batch_size would train at 32 without a word). */
const FIT_OPTION_KEYS = optionKeys<FitOptions>({
  epochs: true, initialEpoch: true, batchSize: true, validationSplit: true, validationData: true, shuffle: true,
  verbose: true, callbacks: true, stream: true, classWeight: true, sampleWeight: true,
  yieldEveryMs: true, signal: true,
});

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value instanceof Map) return 'a Map (use a plain object)';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${quoteValue(value)}`;
}

function checkWeight(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`fit(): ${what} is ${typeof value === 'number' ? String(value) : describeValue(value)}; loss weights must be finite numbers >= 0.`);
  }
  return value;
}

/**
 * The class of each sample: the label for sparse targets, the argmax of the row (first maximum)
 * for one-hot / probability rows, and the rounded target for a single output (a binary
 * classifier's 0 / 1), as Keras.
 */
function sampleClass(targets: Targets, sparse: boolean, row: number, classes: number): number {
  if (sparse) return targets[row];
  if (classes === 1) return Math.round(targets[row]);
  let best = 0;
  for (let c = 1; c < classes; c++) if (targets[row * classes + c] > targets[row * classes + best]) best = c;
  return best;
}

/**
 * Per-sample loss weights from classWeight and sampleWeight (their product when both are
 * given), validated; null when neither is given or every weight is exactly 1, so that
 * the unweighted path runs unchanged.
 */
export function resolveSampleWeights(options: Pick<FitOptions, 'classWeight' | 'sampleWeight'>, targets: Targets, sparse: boolean, samples: number, classes: number): Float64Array | null {
  const { classWeight, sampleWeight } = options;
  if (classWeight === undefined && sampleWeight === undefined) return null;
  const weights = new Float64Array(samples).fill(1);
  if (sampleWeight !== undefined) {
    if (!Array.isArray(sampleWeight) && !(ArrayBuffer.isView(sampleWeight) && !(sampleWeight instanceof DataView))) {
      throw new ConfigError(`fit() expects sampleWeight as a Float32Array or number[] with one weight per sample; received ${describeValue(sampleWeight)}.`);
    }
    const values = sampleWeight as ArrayLike<number>;
    if (values.length !== samples) {
      throw new ConfigError(`fit() expects sampleWeight to hold one weight per sample of x (${samples}); received ${values.length}.`);
    }
    for (let i = 0; i < samples; i++) weights[i] = checkWeight(`sampleWeight[${i}]`, values[i]);
  }
  if (classWeight !== undefined) {
    const outputs = classes;
    // One output column is a binary classifier: its classes are the targets 0 and 1.
    classes = !sparse && outputs === 1 ? 2 : outputs;
    const perClass = new Float64Array(classes).fill(1);
    if (classWeight === null || typeof classWeight !== 'object' || classWeight instanceof DataView || classWeight instanceof Map) {
      throw new ConfigError(`fit() expects classWeight as { classIndex: weight } (e.g. { 0: 1, 1: 5 }) or an array of ${classes} weights; received ${describeValue(classWeight)}.`);
    }
    if (Array.isArray(classWeight) || ArrayBuffer.isView(classWeight)) {
      const values = classWeight as ArrayLike<number>;
      if (values.length !== classes) {
        throw new ConfigError(`fit() expects classWeight as an array to hold one weight per class (${classes}, the model's output classes); received ${values.length}.`);
      }
      for (let c = 0; c < classes; c++) perClass[c] = checkWeight(`classWeight[${c}]`, values[c]);
    } else {
      for (const [key, value] of Object.entries(classWeight)) {
        const c = Number(key);
        if (!(Number.isInteger(c) && c >= 0 && c < classes && String(c) === key)) {
          throw new ConfigError(`fit(): classWeight key ${quoteValue(key)} is not a class index; expected integers 0..${classes - 1} for a model with ${classes} output classes.`);
        }
        perClass[c] = checkWeight(`classWeight[${c}]`, value);
      }
    }
    for (let i = 0; i < samples; i++) {
      const c = sampleClass(targets, sparse, i, outputs);
      if (!(c >= 0 && c < classes)) throw new ConfigError(`fit(): classWeight needs targets 0 or 1 for a model with one output; target ${i} is ${targets[i]}.`);
      weights[i] *= perClass[c];
    }
  }
  return weights.every((w) => w === 1) ? null : weights;
}

export async function runFit(model: Sequential, x: Tensor, targets: Targets, options: FitOptions): Promise<History> {
  checkKnownKeys('fit()', options, FIT_OPTION_KEYS);
  const epochs = checkPositiveInteger('fit()', 'epochs', options.epochs ?? 1);
  const batchSize = checkPositiveInteger('fit()', 'batchSize', options.batchSize ?? 32);
  const initialEpoch = checkNonNegativeInteger('fit()', 'initialEpoch', options.initialEpoch ?? 0);
  const verbose = options.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ConfigError(`fit() expects verbose to be 0, 1 or 2; received ${quoteValue(verbose)}.`);
  const shuffle = checkBoolean('fit()', 'shuffle', options.shuffle ?? true);
  const callbacks = options.callbacks ?? [];
  const turns = new EventLoopTurns(checkYieldEvery('fit()', options.yieldEveryMs ?? DEFAULT_YIELD_EVERY_MS));
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new ConfigError(`fit() expects signal to be an AbortSignal (from new AbortController().signal); received ${describeValue(signal)}.`);
  const loss = model.loss!;
  const sampleSize = shapeSize(model.inputShape);
  const classes = shapeSize(model.outputShape);
  const targetWidth = loss.sparse ? 1 : classes;
  const total = x.shape[0];

  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new ConfigError(`fit() expects validationSplit in [0, 1), e.g. 0.1; received ${quoteValue(split)}.`);
  if (split > 0 && options.validationData) throw new ConfigError('fit() got both validationSplit and validationData; give one of them.');
  const trainCount = split > 0 ? Math.floor(total * (1 - split)) : total;
  if (trainCount <= 0) throw new ConfigError(`fit(): validationSplit ${split} leaves no training samples out of ${total}.`);

  let validation: { x: FloatArray; y: Targets; count: number } | null = null;
  if (split > 0 && trainCount < total) {
    validation = { x: x.data.subarray(trainCount * sampleSize), y: targets.subarray(trainCount * targetWidth), count: total - trainCount };
  } else if (options.validationData) {
    const [vx, vy] = options.validationData;
    const inputs = checkInputs(vx, model.layers[0], model.inputShape, 'fit (validationData)');
    validation = { x: inputs.data, y: checkTargets(vy, loss, inputs.shape[0], classes, 'fit (validationData)'), count: inputs.shape[0] };
  }

  // Validation rows (the last ones under validationSplit) get weights too but never use them.
  const weights = resolveSampleWeights(options, targets, loss.sparse, total, classes);
  // Buffers hold at most the training set, as Keras clamps: a batchSize of 2^30 on 60 samples allocates 60 rows.
  const bufferRows = Math.min(batchSize, trainCount);
  const batchWeights = weights ? new Float64Array(bufferRows) : null;

  const steps = Math.ceil(trainCount / batchSize);
  const history = new History({ epochs, steps, batchSize, samples: trainCount, seed: model.seed });
  const order = Int32Array.from({ length: trainCount }, (_, i) => i);
  const batchX = x.data instanceof Float64Array ? new Float64Array(bufferRows * sampleSize) : new Float32Array(bufferRows * sampleSize);
  const batchY = loss.sparse ? new Int32Array(bufferRows) : new (targets.constructor as Float32ArrayConstructor)(bufferRows * classes);

  model.stopTraining = false;
  for (const cb of callbacks) cb.setModel?.(model);
  for (const cb of callbacks) await cb.onTrainBegin?.({});
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
    if (shuffle) {
      // Each epoch shuffles the identity afresh, so its order depends only on the generator's
      // state: a run resumed from a checkpoint (which saves that state) sees the same batches.
      for (let i = 0; i < trainCount; i++) order[i] = i;
      model.random.shuffle(order);
    }
    // Keras prints the epoch header only when there is more than one epoch.
    if (verbose > 0 && epochs > 1) (options.stream ?? process.stdout).write(`${epochHeader(epoch + 1, epochs)}\n`);
    const bar = new ProgressBar({ total: steps, verbose, stream: options.stream });
    const started = performance.now();
    let lossSum = 0;
    let seen = 0;
    model.resetMetrics();
    const running = (): Logs => {
      const logs: Logs = { loss: lossSum / seen };
      model.writeMetrics(logs);
      return logs;
    };
    for (let step = 0; step < steps && !model.stopTraining; step++) {
      const start = step * batchSize;
      const batch = Math.min(batchSize, trainCount - start);
      // On the backend: with the native one both threads copy, which beats a JS copy per row
      // (bench/profile-step.ts times gatherRows per call, next to the step's kernels).
      model.backend.gatherRows(x.data, sampleSize, order.subarray(start, start + batch), batchX);
      for (let i = 0; i < batch; i++) {
        const row = order[start + i];
        if (loss.sparse) batchY[i] = targets[row];
        else batchY.set(targets.subarray(row * classes, (row + 1) * classes), i * classes);
        if (batchWeights) batchWeights[i] = weights![row];
      }
      const result = model.trainStep(batchX.subarray(0, batch * sampleSize), batchY.subarray(0, batch * targetWidth), batch, batchWeights?.subarray(0, batch) ?? null);
      // With weights, lossSum is the weighted sum, so lossSum / seen is the running mean of the
      // batches' "sum_over_batch_size" losses (weighted by batch size): what Keras logs.
      lossSum += result.lossSum;
      seen += batch;
      const logs = running();
      bar.update(step + 1, logs);
      for (const cb of callbacks) await cb.onBatchEnd?.(step, logs);
      // One clock read per step; a turn only every yieldEveryMs (src/model/event-loop-turns.ts).
      if (turns.due()) await turns.turn();
      if (signal?.aborted) {
        history.interrupted = { epoch, step, steps };
        break;
      }
    }
    if (history.interrupted) {
      // The partial epoch's line ends the output (a TTY bar would stay half-drawn), but nothing records it.
      bar.finish(running());
      break;
    }
    const logs = running();
    if (validation) {
      const val = await model.evaluateArrays(validation.x, validation.y, validation.count, batchSize, turns);
      for (const [key, value] of Object.entries(val)) logs[`val_${key}`] = value;
    }
    bar.finish(logs);
    history.record(epoch, logs, (performance.now() - started) / 1000);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.({});
  return history;
}
