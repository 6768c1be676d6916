/**
 * convkit evaluate: prints the full test-set report (confusion matrix,
 * per-class precision / recall / F1) of a saved model (--model-file), or of a
 * model trained here with its recipe.
 */
import type { Command } from 'commander';
import { shapeSize } from '../../core/tensor.js';
import { loadModel } from '../../io/model-file.js';
import type { ModelKind } from '../../apps/lab/lab-models.js';
import { addAllowNonFiniteOption, addDataOptions, addModelOption, addRuntimeOptions, addTrainingOptions, type DataOptions, type NonFiniteOptions, type RuntimeOptions, type TrainingOptions } from '../common-options.js';
import { evaluateOnTestSet, formatEvaluation } from '../evaluation-report.js';
import { loadData, trainLabModel } from '../../apps/lab/train-lab-model.js';
import { loadTestSet } from './predict-command.js';

type EvaluateCommandOptions = { model: ModelKind; modelFile?: string } & DataOptions & RuntimeOptions & TrainingOptions & NonFiniteOptions;

export function registerEvaluate(program: Command): void {
  const command = program.command('evaluate').description('report test metrics with a confusion matrix, for a saved model (--model-file) or one trained with its recipe');
  addAllowNonFiniteOption(addTrainingOptions(addDataOptions(addRuntimeOptions(addModelOption(command)))))
    .option('--model-file <file>', 'evaluate this saved model (from train --save) instead of training one')
    .action(async (options: EvaluateCommandOptions) => {
      if (options.modelFile) {
        const model = await loadModel(options.modelFile, { backend: options.backend, allowNonFinite: options.allowNonFinite });
        const { test } = await loadTestSet(options, shapeSize(model.outputShape));
        console.log(formatEvaluation(`${model.name} from ${options.modelFile}`, await evaluateOnTestSet(model, test)));
        return;
      }
      const data = await loadData(options);
      const trained = await trainLabModel(options.model, data, options);
      console.log(formatEvaluation(options.model === 'cnn' ? 'CNN' : 'Dense baseline', await evaluateOnTestSet(trained.model, data.test)));
    });
}
