/** convkit summary: the Keras-style table for the lab CNN or the Dense baseline. */
import type { Command } from 'commander';
import { createLabModel, type ModelKind } from '../../apps/lab/lab-models.js';
import { addModelOption } from '../common-options.js';

export function registerSummary(program: Command): void {
  addModelOption(program.command('summary').description('print layers, output shapes and parameter counts of a model'))
    .option('--details', 'add parameter formulas, FLOPs per layer and receptive fields')
    .action((options: { model: ModelKind; details?: boolean }) => {
      // Building weights needs no compute backend beyond initialisation: use the reference one.
      const model = createLabModel(options.model, { seed: 0, backend: 'reference' });
      model.summary({ details: options.details });
      if (options.model === 'cnn') {
        console.log('\nNote: some lab texts quote "~34,826" parameters for this CNN; that figure belongs to the keras.io MNIST convnet');
        console.log('(Dropout, no Dense(128)). With Dense(128) after Flatten (1,600 inputs) this architecture has 225,034.');
      }
    });
}
