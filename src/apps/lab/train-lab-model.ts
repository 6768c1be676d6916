/** Loads MNIST and trains one of the lab's models with its recipe: shared by the CLI's train, evaluate and compare, and by the bench. */
import { Tensor } from '../../core/tensor.js';
import { loadMnist, type ImageSet, type MnistData } from '../../data/mnist.js';
import { cosineDecay, LearningRateScheduler, WarmupCosineScheduler } from '../../model/learning-rate-scheduler.js';
import type { Callback, History } from '../../model/callbacks.js';
import type { Sequential } from '../../model/sequential.js';
import { createLabModel, type ModelKind } from './lab-models.js';
import type { DataOptions, RuntimeOptions, TrainingOptions } from './lab-options.js';
import { RECIPES, type Recipe } from './recipes.js';

export function imagesTensor(set: ImageSet): Tensor {
  return new Tensor(set.images, [set.count, set.height, set.width, 1]);
}

export async function loadData(options: DataOptions): Promise<MnistData> {
  return loadMnist({ dataDir: options.data, trainLimit: options.trainLimit, testLimit: options.testLimit });
}

export interface TrainedModel {
  model: Sequential;
  history: History;
  recipe: Recipe;
  trainSeconds: number;
}

/** The model's recipe with the command line's overrides applied. */
export function resolveRecipe(kind: ModelKind, options: TrainingOptions): Recipe {
  const base = RECIPES[kind];
  return {
    epochs: options.epochs ?? base.epochs,
    batchSize: options.batchSize ?? base.batchSize,
    learningRate: options.lr ?? base.learningRate,
    schedule: options.schedule ?? base.schedule,
    beta2: options.beta2 ?? base.beta2,
  };
}

/** Optional extras: continue a model loaded from a checkpoint, and more callbacks (checkpoints, NaN guard). */
export interface TrainExtras {
  model?: Sequential;
  /** Epochs the checkpoint already completed: fit resumes at this zero-based epoch. */
  initialEpoch?: number;
  callbacks?: Callback[];
  /** Stops training after the current step when aborted (train's Ctrl-C); see FitOptions.signal. */
  signal?: AbortSignal;
}

export async function trainLabModel(
  kind: ModelKind, data: MnistData, options: RuntimeOptions & TrainingOptions, extras: TrainExtras = {},
): Promise<TrainedModel> {
  const recipe = resolveRecipe(kind, options);
  const model = extras.model ?? createLabModel(kind, {
    inputShape: [data.train.height, data.train.width, 1],
    seed: options.seed,
    backend: options.backend,
    learningRate: recipe.learningRate,
    beta2: recipe.beta2,
  });
  const callbacks: Callback[] = [];
  if (recipe.schedule === 'cosine') callbacks.push(new LearningRateScheduler(cosineDecay(recipe.learningRate, recipe.epochs)));
  if (recipe.schedule === 'warmup-cosine') {
    const trainCount = Math.floor(data.train.count * (1 - (options.validationSplit ?? 0)));
    const stepsPerEpoch = Math.ceil(trainCount / recipe.batchSize);
    callbacks.push(new WarmupCosineScheduler({ peak: recipe.learningRate, epochs: recipe.epochs, stepsPerEpoch }));
  }
  callbacks.push(...(extras.callbacks ?? []));
  const started = performance.now();
  const history = await model.fit(imagesTensor(data.train), data.train.labels, {
    epochs: recipe.epochs,
    initialEpoch: extras.initialEpoch,
    batchSize: recipe.batchSize,
    validationSplit: options.validationSplit,
    verbose: options.verbose,
    callbacks,
    signal: extras.signal,
  });
  return { model, history, recipe, trainSeconds: (performance.now() - started) / 1000 };
}
