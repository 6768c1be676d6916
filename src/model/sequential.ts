/**
 * Sequential: a stack of layers with compile / fit / evaluate / predict /
 * summary, shaped like Keras. Data flows as flat NHWC buffers; the model owns
 * the one seeded generator (init, shuffle, dropout) and the backend object.
 */
import type { Backend, FloatArray } from '../backend/backend.js';
import { resolveBackend, type BackendChoice } from '../backend/select-backend.js';
import { batchBuffer } from '../core/batch-buffer.js';
import { Random, randomSeed } from '../core/random.js';
import { allocate, arrayType, shapeSize, Tensor, type DType } from '../core/tensor.js';
import type { Layer, Weight } from '../layers/layer.js';
import { InputLayer } from '../layers/input-layer.js';
import { getLoss, type Loss, type LossConfig, type LossIdentifier, type LossOptions, type RowWeights, type Targets } from '../losses/losses.js';
import { accuracyHits, checkMetricsForLoss, MetricState, parseMetrics, type MetricIdentifier, type MetricName } from '../metrics/metrics.js';
import { getOptimizer, type Optimizer, type OptimizerName } from '../optimizers/optimizer.js';
import { checkInputs, checkTargets } from './validate-data.js';
import { runFit, type FitOptions } from './fit.js';
import type { History } from './callbacks.js';
import { formatSummary, type SummaryOptions } from './summary.js';
import { ExecutionPlan } from './plan/execution-plan.js';
import { ConfigError, ShapeError } from '../core/errors.js';
import { checkKnownKeys, checkPositiveInteger, optionKeys } from '../core/check-options.js';
import { checkYieldEvery, DEFAULT_YIELD_EVERY_MS, EventLoopTurns, type YieldEvery } from './event-loop-turns.js';

export interface SequentialOptions {
  name?: string;
  /** A backend object, or 'auto' (native if it loads, else reference), 'native', 'reference'. */
  backend?: BackendChoice;
  /** Seed of the model's one random generator; a random seed is drawn (and kept in `seed`) when absent. */
  seed?: number;
  /** 'float64' runs on the reference backend only; used for gradient checks. */
  dtype?: DType;
  /**
   * The per-sample input shape, e.g. [28, 28, 1]: the model builds as soon as it has a layer,
   * as with layers.input({ shape }) first in the list or inputShape on the first layer.
   */
  inputShape?: readonly number[];
}

export interface CompileOptions {
  optimizer: OptimizerName | Optimizer;
  /** A loss name, or { name, fromLogits, labelSmoothing } (losses/losses.ts). */
  loss: LossIdentifier | LossConfig;
  /** fromLogits / labelSmoothing for a loss given by name (the same as the object form). */
  lossOptions?: LossOptions;
  metrics?: MetricIdentifier[];
}


/** Options of evaluate() and predict(). */
export interface InferenceOptions {
  batchSize?: number;
  /** Milliseconds of work between turns given to the event loop (default 50); false for none. */
  yieldEveryMs?: YieldEvery;
}
/** @deprecated the earlier name of InferenceOptions. */
export type BatchOptions = InferenceOptions;

const COMPILE_KEYS = optionKeys<CompileOptions>({ optimizer: true, loss: true, lossOptions: true, metrics: true });
const INFERENCE_KEYS = optionKeys<InferenceOptions>({ batchSize: true, yieldEveryMs: true });

/**
 * What evaluate() returns: the mean loss, and each compiled metric under the
 * name Keras logs it by (accuracy, binary_accuracy, precision ...). The same
 * keys, with a val_ prefix, are fit()'s validation logs.
 */
export type EvaluateResult = { loss: number } & { [K in MetricName]?: number };

export interface StepResult {
  lossSum: number;
  /** Rows counted correct by the 'accuracy' rule (binary for one output column, else argmax), compiled or not. */
  correct: number;
}

function checkRowWeights(method: string, weights: RowWeights, batch: number): void {
  if (weights && weights.length !== batch) throw new ConfigError(`${method}() expects one weight per sample of the batch (${batch}); received ${weights.length}.`);
}

export class Sequential {
  readonly name: string;
  readonly layers: Layer[] = [];
  readonly backend: Backend;
  readonly dtype: DType;
  readonly seed: number;
  readonly random: Random;
  optimizer: Optimizer | undefined;
  loss: Loss | undefined;
  metrics: MetricName[] = [];
  /** The compiled metrics' running state over the current epoch of fit() (reset by resetMetrics). */
  private trainMetrics = new MetricState([], true);
  /** Set by a callback to end fit() after the current batch. */
  stopTraining = false;
  private built = false;
  private weightList: Weight[] | undefined;
  private compiledPlan: ExecutionPlan | undefined;
  /** The backend's kernelSettingsVersion when compiledPlan was compiled. */
  private planSettingsVersion: number | undefined;
  private scratch: { probs?: FloatArray; grad?: FloatArray } = {};
  /** The input shape given by options.inputShape or an Input first in the list (the first layer's own inputShape is kept on it). */
  private declaredInput: readonly number[] | undefined;

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    this.name = options.name ?? 'sequential';
    this.dtype = options.dtype ?? 'float32';
    this.backend = resolveBackend(options.backend);
    if (this.dtype === 'float64' && !this.backend.supportsFloat64) {
      throw new ConfigError(`Sequential with dtype 'float64' needs a backend that supports it; '${this.backend.name}' does not. Use { backend: 'reference' }.`);
    }
    this.seed = options.seed ?? randomSeed();
    this.random = new Random(this.seed);
    if (options.inputShape !== undefined) this.declaredInput = new InputLayer({ shape: options.inputShape }).shape;
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer; once the input shape is known, each added layer is built right away (as in Keras). */
  add(layer: Layer): void {
    if (layer instanceof InputLayer) {
      if (this.layers.length > 0 || this.declaredInput) {
        const has = this.layers.length > 0 ? `${this.layers.length} layer(s)` : `the input shape [${this.declaredInput!.join(', ')}]`;
        throw new ConfigError(`An Input must come first in a Sequential model, and only once; model "${this.name}" already has ${has}.`);
      }
      this.declaredInput = layer.shape;
      return;
    }
    if (layer.built) throw new ConfigError(`Layer "${layer.name}" (${layer.className}) already belongs to a built model; create a new layer.`);
    if (layer.name === undefined) {
      const taken = new Set(this.layers.map((l) => l.name));
      let name = layer.namePrefix;
      for (let i = 1; taken.has(name); i++) name = `${layer.namePrefix}_${i}`;
      layer.name = name;
    } else if (this.layers.some((l) => l.name === layer.name)) {
      throw new ConfigError(`Model "${this.name}" already has a layer named "${layer.name}"; layer names must be unique.`);
    }
    if (this.layers.length > 0 && layer.declaredInputShape) {
      throw new ConfigError(`Layer "${layer.name}" declares inputShape, but only the first layer of a Sequential model may.`);
    }
    const declared = this.declaredInput;
    if (declared && layer.declaredInputShape && (declared.length !== layer.declaredInputShape.length || declared.some((d, i) => d !== layer.declaredInputShape![i]))) {
      throw new ConfigError(`Layer "${layer.name}" declares inputShape [${layer.declaredInputShape.join(', ')}], but the model's input shape is [${declared.join(', ')}].`);
    }
    // Build before appending, so that a layer that does not fit leaves the model unchanged.
    if (this.built) layer.build(this.layers[this.layers.length - 1].outputShape, this.buildContext());
    this.layers.push(layer);
    this.weightList = undefined;
    this.compiledPlan = undefined;
    const inputShape = this.declaredInput ?? layer.declaredInputShape;
    if (this.layers.length === 1 && inputShape) {
      try {
        this.build(inputShape);
      } catch (error) {
        this.layers.pop();
        throw error;
      }
    }
  }

  private buildContext() {
    return { backend: this.backend, dtype: this.dtype, random: this.random };
  }

  get isBuilt(): boolean {
    return this.built;
  }

  /** Creates all weights for a per-sample input shape (without the batch dimension). */
  build(inputShape: readonly number[]): void {
    if (this.built) return;
    if (this.layers.length === 0) throw new ConfigError(`Model "${this.name}" has no layers; add layers before building it.`);
    let shape = inputShape;
    for (const layer of this.layers) {
      shape = layer.build(shape, this.buildContext());
    }
    this.built = true;
    this.compiledPlan = undefined;
  }

  /**
   * The execution plan: the layers compiled into steps, some fused
   * (model/plan/fusion-rules.ts). Compiled once after the model is built, and
   * again after a layer is added or a backend setting changes which kernels run
   * (setWinograd): the plan holds the backend's answers about its fused kernels.
   */
  get plan(): ExecutionPlan {
    this.ensureBuilt();
    const version = this.backend.kernelSettingsVersion;
    if (!this.compiledPlan || version !== this.planSettingsVersion) {
      this.compiledPlan = new ExecutionPlan(this.layers, this.backend, this.dtype);
      this.planSettingsVersion = version;
    }
    return this.compiledPlan;
  }

  /** Builds when the layers are complete (Keras builds on the first fit when no inputShape was given). */
  private ensureBuilt(inputShape?: readonly number[]): void {
    if (this.built) return;
    const first = this.layers[0];
    const shape = this.declaredInput ?? first?.declaredInputShape ?? inputShape;
    if (!shape) {
      throw new ConfigError(`Model "${this.name}" is not built yet: give the first layer an inputShape (e.g. inputShape: [28, 28, 1]) or call fit() first.`);
    }
    this.build(shape);
  }

  get inputShape(): readonly number[] {
    this.ensureBuilt();
    return this.layers[0].inputShape;
  }

  get outputShape(): readonly number[] {
    this.ensureBuilt();
    return this.layers[this.layers.length - 1].outputShape;
  }

  compile(options: CompileOptions): void {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigError(`compile() expects options such as { optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] }.`);
    }
    checkKnownKeys('compile()', options, COMPILE_KEYS);
    const optimizer = getOptimizer(options.optimizer);
    const loss = getLoss(options.loss, options.lossOptions);
    const metrics = parseMetrics(options.metrics);
    checkMetricsForLoss(metrics, loss);
    [this.optimizer, this.loss, this.metrics] = [optimizer, loss, metrics];
    this.trainMetrics = new MetricState(metrics, loss.sparse);
  }

  /** Starts the compiled metrics' running values afresh (fit() calls it at each epoch's start). */
  resetMetrics(): void {
    this.trainMetrics.reset();
  }

  /** Writes the compiled metrics' running values since resetMetrics() into logs, under Keras's names. */
  writeMetrics(logs: Record<string, number>): void {
    this.trainMetrics.writeTo(logs);
  }

  /** All weights in layer order; cached because every training step hands them to the optimizer. */
  weights(): Weight[] {
    this.ensureBuilt();
    return (this.weightList ??= this.layers.flatMap((l) => l.weights()));
  }

  countParams(): number {
    return this.weights().reduce((sum, w) => sum + w.value.length, 0);
  }

  /** Copies of all weights in layer order (kernel, bias, ...). */
  getWeights(): Tensor[] {
    return this.weights().map((w) => new Tensor(w.value.slice(), w.shape));
  }

  setWeights(values: readonly Tensor[]): void {
    const weights = this.weights();
    if (values.length !== weights.length) {
      throw new ShapeError(`setWeights() expects ${weights.length} tensors for model "${this.name}"; received ${values.length}.`);
    }
    weights.forEach((w, i) => {
      const v = values[i];
      if (v.data.length !== w.value.length || v.shape.some((d, k) => d !== w.shape[k])) {
        throw new ShapeError(`setWeights(): ${w.name} expects shape [${w.shape.join(', ')}]; received [${v.shape.join(', ')}].`);
      }
      w.value.set(v.data);
    });
  }

  summary(options: SummaryOptions = {}): string {
    this.ensureBuilt();
    const text = formatSummary(this, options);
    (options.print ?? console.log)(text);
    return text;
  }

  private requireCompiled(method: string): { loss: Loss; optimizer: Optimizer } {
    if (!this.loss || !this.optimizer) {
      throw new ConfigError(`${method}() needs a compiled model: call model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] }) first.`);
    }
    return { loss: this.loss, optimizer: this.optimizer };
  }

  /** Runs the model's plan forward on `batch` samples; returns the last layer's output buffer. */
  forwardBatch(x: FloatArray, batch: number, training: boolean): FloatArray {
    return this.plan.forward(x, batch, training);
  }

  private readonly allocateScratch = (size: number): FloatArray => allocate(this.dtype, size);

  private lossScratch(size: number): { probs: FloatArray; grad: FloatArray } {
    // Updated in place: this runs on every step, and the pair object need not be remade.
    const type = arrayType(this.dtype), scratch = this.scratch;
    scratch.probs = batchBuffer(scratch.probs, size, type, this.allocateScratch);
    scratch.grad = batchBuffer(scratch.grad, size, type, this.allocateScratch);
    return scratch as { probs: FloatArray; grad: FloatArray };
  }

  /**
   * Loss sum over the batch and its gradient with respect to the model output
   * (or the softmax logits when fused). Returns the buffer that backward starts from.
   * With per-sample weights, the sum and each sample's gradient row are weighted;
   * the gradient scale stays 1 / batch (Keras's "sum_over_batch_size").
   */
  private lossAndGrad(loss: Loss, output: FloatArray, targets: Targets, batch: number, weights: RowWeights = null): { lossSum: number; grad: FloatArray; fused: boolean } {
    const classes = shapeSize(this.outputShape);
    const { probs, grad } = this.lossScratch(batch * classes);
    const scale = 1 / batch;
    // The plan's softmax + cross-entropy fusion: the loss reads the logits (log-sum-exp, never log(probability)).
    const softmax = this.plan.softmaxOutput;
    if (softmax && loss.fusesWithSoftmax && !loss.fromLogits) {
      const lossSum = loss.fromLogitsGrad(this.backend, softmax.lastLogits(), targets, probs, grad, batch, classes, scale, weights);
      return { lossSum, grad, fused: true };
    }
    // The sigmoid + binary cross-entropy fusion: backward starts from dL/dz = p - t (fusion-rules.ts, sigmoidOutputOf).
    if (this.plan.sigmoidOutput && loss.fromSigmoidOutput && !loss.fromLogits) {
      return { lossSum: loss.fromSigmoidOutput(output, targets, grad, batch, classes, scale, weights), grad, fused: true };
    }
    if (loss.fromLogits) {
      return { lossSum: loss.fromLogitsGrad(this.backend, output, targets, probs, grad, batch, classes, scale, weights), grad, fused: false };
    }
    return { lossSum: loss.fromProbabilities(output, targets, grad, batch, classes, scale, weights), grad, fused: false };
  }

  /**
   * One optimisation step on a prepared batch; the building block of fit().
   * `weights` (one per sample, or null) weight each sample's loss; lossSum is then the weighted sum.
   */
  trainStep(x: FloatArray, targets: Targets, batch: number, weights: RowWeights = null): StepResult {
    const { loss, optimizer } = this.requireCompiled('trainStep');
    // One integer check per step: a batch of 0.5 or NaN would otherwise reach the native layer as a RangeError.
    checkPositiveInteger('trainStep()', 'batch', batch);
    checkRowWeights('trainStep', weights, batch);
    const output = this.forwardBatch(x, batch, true);
    const { lossSum, grad, fused } = this.lossAndGrad(loss, output, targets, batch, weights);
    const classes = shapeSize(this.outputShape);
    const correct = accuracyHits(output, targets, loss.sparse, batch, classes);
    this.trainMetrics.update(output, targets, batch, classes, correct);
    this.backwardFrom(grad, batch, fused);
    optimizer.applyGradients(this.backend, this.weights());
    return { lossSum, correct };
  }

  /** Back-propagates from dL/d(output), or dL/d(pre-activation) of a fused softmax or sigmoid last layer. */
  backwardFrom(grad: FloatArray, batch: number, fusedOutput: boolean): void {
    this.plan.backward(grad, batch, fusedOutput);
  }

  /**
   * Loss and gradients for one batch without updating weights (used by gradient checks).
   * Returns the batch loss: sum of (weighted) sample losses / batch, the value whose gradient is left in weight.grad.
   */
  computeGradients(x: FloatArray, targets: Targets, batch: number, weights: RowWeights = null): number {
    const { loss } = this.requireCompiled('computeGradients');
    checkRowWeights('computeGradients', weights, batch);
    const output = this.forwardBatch(x, batch, true);
    const { lossSum, grad, fused } = this.lossAndGrad(loss, output, targets, batch, weights);
    this.backwardFrom(grad, batch, fused);
    return lossSum / batch;
  }

  /**
   * Trains for `epochs` over x / y in shuffled batches (Keras semantics; see FitOptions).
   *
   * Loss weights, as Keras's class_weight / sample_weight: `classWeight` (label -> weight;
   * with one-hot / probability targets the label is the row's argmax, as in Keras) and
   * `sampleWeight` (one per sample) multiply each sample's loss, and each other when both
   * are given. The batch loss is Keras's "sum_over_batch_size": the sum of weighted sample
   * losses divided by the batch size (zero-weight samples included), so a sample's gradient
   * is scaled by its weight and a weight of 2 counts as the sample twice. The logged `loss`
   * follows the same reduction; `accuracy` and the validation metrics stay unweighted.
   */
  async fit(x: Tensor, y: unknown, options: FitOptions = {}): Promise<History> {
    const { loss } = this.requireCompiled('fit');
    this.ensureBuilt(x instanceof Tensor ? x.shape.slice(1) : undefined);
    const inputs = checkInputs(x, this.layers[0], this.inputShape, 'fit');
    const targets = checkTargets(y, loss, inputs.shape[0], shapeSize(this.outputShape), 'fit');
    return runFit(this, inputs, targets, options);
  }

  /**
   * Mean loss and metrics over the data, in batches, without training. Async, as fit(): it gives
   * the event loop a turn every yieldEveryMs of work (src/model/event-loop-turns.ts).
   */
  async evaluate(x: Tensor, y: unknown, options: InferenceOptions = {}): Promise<EvaluateResult> {
    const { loss } = this.requireCompiled('evaluate');
    checkKnownKeys('evaluate()', options, INFERENCE_KEYS);
    this.ensureBuilt(x instanceof Tensor ? x.shape.slice(1) : undefined);
    const inputs = checkInputs(x, this.layers[0], this.inputShape, 'evaluate');
    const targets = checkTargets(y, loss, inputs.shape[0], shapeSize(this.outputShape), 'evaluate');
    const batchSize = checkPositiveInteger('evaluate()', 'batchSize', options.batchSize ?? 32, '32');
    const turns = new EventLoopTurns(checkYieldEvery('evaluate()', options.yieldEveryMs ?? DEFAULT_YIELD_EVERY_MS));
    return this.evaluateArrays(inputs.data, targets, inputs.shape[0], batchSize, turns);
  }

  /** evaluate() on validated flat arrays; fit() uses it for validation data, with its own turns. */
  async evaluateArrays(x: FloatArray, targets: Targets, samples: number, batchSize: number, turns: EventLoopTurns): Promise<EvaluateResult> {
    const loss = this.loss!;
    const sampleSize = shapeSize(this.inputShape);
    const classes = shapeSize(this.outputShape);
    const metrics = new MetricState(this.metrics, loss.sparse);
    let lossSum = 0;
    for (let start = 0; start < samples; start += batchSize) {
      const batch = Math.min(batchSize, samples - start);
      const output = this.forwardBatch(x.subarray(start * sampleSize, (start + batch) * sampleSize), batch, false);
      const batchTargets = loss.sparse ? targets.subarray(start, start + batch) : targets.subarray(start * classes, (start + batch) * classes);
      lossSum += this.lossAndGrad(loss, output, batchTargets, batch).lossSum;
      metrics.update(output, batchTargets, batch, classes);
      if (turns.due()) await turns.turn();
    }
    const logs: EvaluateResult = { loss: lossSum / samples };
    metrics.writeTo(logs);
    return logs;
  }

  /**
   * Model outputs for x, computed in batches: a Tensor of shape [N, ...outputShape]. Async, as
   * fit(): it gives the event loop a turn every yieldEveryMs of work (src/model/event-loop-turns.ts).
   */
  async predict(x: Tensor, options: InferenceOptions = {}): Promise<Tensor> {
    checkKnownKeys('predict()', options, INFERENCE_KEYS);
    this.ensureBuilt(x instanceof Tensor ? x.shape.slice(1) : undefined);
    const inputs = checkInputs(x, this.layers[0], this.inputShape, 'predict');
    const samples = inputs.shape[0];
    const batchSize = checkPositiveInteger('predict()', 'batchSize', options.batchSize ?? 32, '32');
    const turns = new EventLoopTurns(checkYieldEvery('predict()', options.yieldEveryMs ?? DEFAULT_YIELD_EVERY_MS));
    const sampleSize = shapeSize(this.inputShape);
    const outSize = shapeSize(this.outputShape);
    const result = allocate(this.dtype, samples * outSize);
    for (let start = 0; start < samples; start += batchSize) {
      const batch = Math.min(batchSize, samples - start);
      const output = this.forwardBatch(inputs.data.subarray(start * sampleSize, (start + batch) * sampleSize), batch, false);
      result.set(output.subarray(0, batch * outSize), start * outSize);
      if (turns.due()) await turns.turn();
    }
    return new Tensor(result, [samples, ...this.outputShape]);
  }
}
