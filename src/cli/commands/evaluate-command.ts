/**
 * convkit evaluate: prints the full test-set report (confusion matrix,
 * per-class precision / recall / F1) of a saved model (--model FILE), or of a
 * lab model (--model cnn or dense) trained here with its recipe.
 */
import type { Command } from 'commander';
import { shapeSize } from '../../core/tensor.js';
import { addAllowNonFiniteOption, addDataOptions, addRuntimeOptions, addTrainingOptions, type DataOptions, type NonFiniteOptions, type RuntimeOptions, type TrainingOptions } from '../common-options.js';
import { evaluateOnTestSet, formatEvaluation } from '../evaluation-report.js';
import { loadData, trainLabModel } from '../../apps/lab/train-lab-model.js';
import { loadTestSet } from './predict-command.js';
import { addModelChoiceOption, loadChosenModel, modelChoice, type ModelOptionValues } from '../model-option.js';

type EvaluateCommandOptions = ModelOptionValues & DataOptions & RuntimeOptions & TrainingOptions & NonFiniteOptions;

export function registerEvaluate(program: Command): void {
  const command = program.command('evaluate').description('report test metrics with a confusion matrix, for a saved model (--model FILE) or one trained here with its recipe (--model cnn or dense)');
  addAllowNonFiniteOption(addTrainingOptions(addDataOptions(addRuntimeOptions(addModelChoiceOption(command, 'kinds')))))
    .action(async (options: EvaluateCommandOptions) => {
      const choice = modelChoice(options, 'kinds', 'evaluate');
      if (choice.file !== undefined) {
        const model = await loadChosenModel(choice.file, 'kinds', { backend: options.backend, allowNonFinite: options.allowNonFinite });
        const { test } = await loadTestSet(options, shapeSize(model.outputShape));
        console.log(formatEvaluation(`${model.name} from ${choice.file}`, await evaluateOnTestSet(model, test)));
        return;
      }
      const data = await loadData(options);
      const trained = await trainLabModel(choice.kind, data, options);
      console.log(formatEvaluation(choice.kind === 'cnn' ? 'CNN' : 'Dense baseline', await evaluateOnTestSet(trained.model, data.test)));
    });
}
