/** convkit summary: the Keras-style table of the lab CNN, the Dense baseline or a saved model (--model FILE). */
import { Option, type Command } from 'commander';
import type { BackendName } from '../../backend/select-backend.js';
import { createLabModel } from '../../apps/lab/lab-models.js';
import { addAllowNonFiniteOption, type NonFiniteOptions } from '../common-options.js';
import { addModelChoiceOption, loadChosenModel, modelChoice, type ModelOptionValues } from '../model-option.js';

export function registerSummary(program: Command): void {
  addAllowNonFiniteOption(addModelChoiceOption(program.command('summary').description('print layers, output shapes and parameter counts of a model'), 'kinds'))
    .option('--details', 'add parameter formulas, FLOPs per layer, receptive fields and the execution plan (which layers run fused, and why the others do not)')
    .addOption(new Option('--backend <name>', 'compute backend whose fused kernels the plan lists (with --details)').choices(['auto', 'native', 'reference']).default('auto'))
    .action(async (options: ModelOptionValues & NonFiniteOptions & { details?: boolean; backend: BackendName }) => {
      // The table needs no compute beyond initialisation (the reference backend does); the plan lists
      // the kernels of the backend that would train the model.
      const backend = options.details ? options.backend : 'reference';
      const choice = modelChoice(options, 'kinds', 'summary');
      const model = choice.file !== undefined
        ? await loadChosenModel(choice.file, 'kinds', { backend, allowNonFinite: options.allowNonFinite })
        : createLabModel(choice.kind, { seed: 0, backend });
      model.summary({ details: options.details, plan: options.details });
      if (choice.kind === 'cnn') {
        console.log('\nNote: some lab texts quote "~34,826" parameters for this CNN; that figure belongs to the keras.io MNIST convnet');
        console.log('(Dropout, no Dense(128)). With Dense(128) after Flatten (1,600 inputs) this architecture has 225,034.');
      }
    });
}
