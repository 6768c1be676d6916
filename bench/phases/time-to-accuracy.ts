/**
 * The documented CNN recipe, end to end: wall time of training, each epoch's
 * time, and the test accuracy it reaches. The epochs are the batch-128 epochs
 * that `convkit train` runs; they read faster than the train-epoch phase's
 * (Keras's default Adam, 0.001 constant) because the pooled backwards only
 * work on the pooled outputs the relu lets through, and how many that are
 * depends on the training: the recipe leaves fewer of them positive than
 * 0.001 constant does. Compare the two phases' epoch times within one
 * `npm run bench` run, not across runs.
 */
import { loadMnist } from '../../src/data/mnist.js';
import { trainLabModel } from '../../src/apps/lab/train-lab-model.js';
import { evaluateOnTestSet } from '../../src/apps/lab/evaluate-on-test-set.js';
import type { BackendName } from '../../src/backend/select-backend.js';
import { argument, report } from './phase-output.js';

const backend = argument('backend', 'native') as BackendName;
const data = await loadMnist();
const epochSeconds: number[] = [];
let epochStarted = 0;
const epochTimer = {
  onEpochBegin: () => { epochStarted = performance.now(); },
  onEpochEnd: () => { epochSeconds.push((performance.now() - epochStarted) / 1000); },
};
const trained = await trainLabModel('cnn', data, { backend, seed: 42, verbose: 0 }, { callbacks: [epochTimer] });
const evaluation = await evaluateOnTestSet(trained.model, data.test);
report({
  phase: 'time-to-accuracy', backend: trained.model.backend.description, recipe: trained.recipe,
  trainSeconds: trained.trainSeconds, epochSeconds, testAccuracy: evaluation.report.accuracy, testErrors: evaluation.report.errors,
});
