/**
 * convkit evaluate: trains a model with its recipe, then prints the full
 * test-set report (confusion matrix, per-class precision / recall / F1).
 */
import type { Command } from 'commander';
import type { ModelKind } from '../../models/seed-models.js';
import { addDataOptions, addModelOption, addRuntimeOptions, addTrainingOptions, type DataOptions, type RuntimeOptions, type TrainingOptions } from '../common-options.js';
import { evaluateOnTestSet, formatEvaluation } from '../evaluation-report.js';
import { loadData, trainSeedModel } from '../train-seed-model.js';

type EvaluateCommandOptions = { model: ModelKind } & DataOptions & RuntimeOptions & TrainingOptions;

export function registerEvaluate(program: Command): void {
  const command = program.command('evaluate').description('train a model with its recipe, then report test metrics with a confusion matrix');
  addTrainingOptions(addDataOptions(addRuntimeOptions(addModelOption(command)))).action(async (options: EvaluateCommandOptions) => {
    const data = await loadData(options);
    const trained = await trainSeedModel(options.model, data, options);
    console.log(formatEvaluation(options.model === 'cnn' ? 'CNN' : 'Dense baseline', evaluateOnTestSet(trained.model, data.test)));
  });
}
