/**
 * The training job's worker thread (node:worker_threads): loads MNIST, trains
 * the requested lab models with the lab's recipes (src/apps/lab) on the
 * native backend (the reference one when the addon is absent), and posts
 * progress, weights, the comparison of `convkit compare` and the CNN's
 * confusion matrix. The server's event loop never runs a training step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveBackend } from '../../../backend/select-backend.js';
import { loadMnist } from '../../../data/mnist.js';
import { resolveRecipe, trainLabModel } from '../../lab/train-lab-model.js';
import type { ModelKind } from '../../lab/lab-models.js';
import { StopFlag, StopOnFlag } from './stop-flag.js';
import { TrainingProgress } from './training-progress.js';
import { testSetConfusion } from './test-set-confusion.js';
import type { ComparisonRow, WorkerInput, WorkerMessage } from './training-messages.js';

const port = parentPort;
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port?.postMessage(message, transfer);

async function run(input: WorkerInput): Promise<void> {
  const { request } = input;
  const flag = new StopFlag(input.stopBuffer);
  const data = await loadMnist({ dataDir: input.dataDir, trainLimit: request.trainLimit, testLimit: request.testLimit });
  const rows: ComparisonRow[] = [];
  post({ type: 'started', backend: resolveBackend(input.backend).description, trainImages: data.train.count, testImages: data.test.count });
  for (const kind of request.models) {
    if (flag.isSet) break;
    const options = { backend: input.backend, seed: input.seed, epochs: request.epochs, batchSize: request.batchSize, lr: request.learningRate, validationSplit: input.validationSplit, verbose: 0 as const };
    const recipe = resolveRecipe(kind, options);
    const trainImages = Math.floor(data.train.count * (1 - input.validationSplit));
    const progress = new TrainingProgress(
      { model: kind, epochs: recipe.epochs, stepsPerEpoch: Math.ceil(trainImages / recipe.batchSize), batchSize: recipe.batchSize, trainImages, perEpoch: input.progressPerEpoch, sendWeights: kind === 'cnn' },
      post,
    );
    const trained = await trainLabModel(kind, data, options, { callbacks: [new StopOnFlag(flag), progress] });
    if (kind === 'cnn') progress.postWeights();
    // A stopped CNN still gets its test-set confusion matrix (one inference pass): it is the model the page
    // answers drawings with, so its errors are worth seeing. A stopped model gets no comparison row.
    if (flag.isSet && kind !== 'cnn') break;
    const confusion = await testSetConfusion(trained.model, data.test);
    if (kind === 'cnn') post({ type: 'confusion', view: confusion.view, examples: [...confusion.examples] });
    if (flag.isSet) break;
    rows.push(comparisonRow(kind, confusion.report.accuracy, trained.model.countParams(), trained.trainSeconds));
  }
  post(flag.isSet ? { type: 'stopped', comparison: { models: rows } } : { type: 'done', comparison: { models: rows } });
}

function comparisonRow(model: ModelKind, accuracy: number, params: number, trainSeconds: number): ComparisonRow {
  return { model, testAccuracy: accuracy, errors: Math.round((1 - accuracy) * 10_000), params, trainSeconds };
}

run(workerData as WorkerInput).catch((error: unknown) => {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
});
