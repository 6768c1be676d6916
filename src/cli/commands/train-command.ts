/** convkit train: trains the seed CNN or the Dense baseline on MNIST with its recipe and reports test accuracy. */
import type { Command } from 'commander';
import type { ModelKind } from '../../models/seed-models.js';
import { addDataOptions, addModelOption, addRuntimeOptions, addTrainingOptions, type DataOptions, type RuntimeOptions, type TrainingOptions } from '../common-options.js';
import { evaluateOnTestSet } from '../evaluation-report.js';
import { loadData, trainSeedModel } from '../train-seed-model.js';

type TrainCommandOptions = { model: ModelKind } & DataOptions & RuntimeOptions & TrainingOptions;

export function registerTrain(program: Command): void {
  const command = program.command('train').description('train a model on MNIST (built-in, or --data DIR) and report test accuracy');
  addTrainingOptions(addDataOptions(addRuntimeOptions(addModelOption(command)))).action(async (options: TrainCommandOptions) => {
    const data = await loadData(options);
    console.log(`Data: ${data.train.count} training and ${data.test.count} test images from ${data.source}`);
    const trained = await trainSeedModel(options.model, data, options);
    const { recipe } = trained;
    console.log(`Backend: ${trained.model.backend.description}; seed ${options.seed}; ${recipe.epochs} epochs, batch ${recipe.batchSize}, Adam lr ${recipe.learningRate} (${recipe.schedule})`);
    const evaluation = evaluateOnTestSet(trained.model, data.test);
    const perEpoch = trained.history.epochSeconds.reduce((a, b) => a + b, 0) / trained.history.epochSeconds.length;
    console.log(
      `Test accuracy ${(evaluation.report.accuracy * 100).toFixed(2)}% (${evaluation.report.errors} errors of ${data.test.count}), ` +
        `test loss ${evaluation.loss.toFixed(4)}; trained in ${trained.trainSeconds.toFixed(1)} s (${perEpoch.toFixed(2)} s/epoch)`,
    );
  });
}
