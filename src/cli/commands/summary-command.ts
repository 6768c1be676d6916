/** convkit summary: the Keras-style table for the lab CNN or the Dense baseline. */
import { Option, type Command } from 'commander';
import type { BackendName } from '../../backend/select-backend.js';
import { createLabModel, type ModelKind } from '../../apps/lab/lab-models.js';
import { addModelOption } from '../common-options.js';

export function registerSummary(program: Command): void {
  addModelOption(program.command('summary').description('print layers, output shapes and parameter counts of a model'))
    .option('--details', 'add parameter formulas, FLOPs per layer, receptive fields and the execution plan (which layers run fused, and why the others do not)')
    .addOption(new Option('--backend <name>', 'compute backend whose fused kernels the plan lists (with --details)').choices(['auto', 'native', 'reference']).default('auto'))
    .action((options: { model: ModelKind; details?: boolean; backend: BackendName }) => {
      // The table needs no compute beyond initialisation (the reference backend does); the plan lists
      // the kernels of the backend that would train the model.
      const model = createLabModel(options.model, { seed: 0, backend: options.details ? options.backend : 'reference' });
      model.summary({ details: options.details, plan: options.details });
      if (options.model === 'cnn') {
        console.log('\nNote: some lab texts quote "~34,826" parameters for this CNN; that figure belongs to the keras.io MNIST convnet');
        console.log('(Dropout, no Dense(128)). With Dense(128) after Flatten (1,600 inputs) this architecture has 225,034.');
      }
    });
}
