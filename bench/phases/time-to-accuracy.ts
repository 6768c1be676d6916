/** The documented CNN recipe, end to end: wall time of training and the test accuracy it reaches. */
import { loadMnist } from '../../src/data/mnist.js';
import { trainSeedModel } from '../../src/cli/train-seed-model.js';
import { evaluateOnTestSet } from '../../src/cli/evaluation-report.js';
import type { BackendName } from '../../src/backend/select-backend.js';
import { argument, report } from './phase-output.js';

const backend = argument('backend', 'native') as BackendName;
const data = await loadMnist();
const trained = await trainSeedModel('cnn', data, { backend, seed: 42, verbose: 0 });
const evaluation = evaluateOnTestSet(trained.model, data.test);
report({
  phase: 'time-to-accuracy', backend: trained.model.backend.description, recipe: trained.recipe,
  trainSeconds: trained.trainSeconds, testAccuracy: evaluation.report.accuracy, testErrors: evaluation.report.errors,
});
