/**
 * convkit report: one self-contained HTML file about a saved model, to open
 * from disk and share: its layers, kernels, training curves (--history, a
 * CSVLogger file), confusion matrix on the test set, and a draw-a-digit panel
 * that runs the model in the browser on convkit's own TypeScript. No server,
 * no network. See src/apps/playground/report/.
 */
import { Option, type Command } from 'commander';
import type { BackendName } from '../../backend/select-backend.js';
import { writeReport } from '../../apps/playground/report/build-report.js';
import { addModelChoiceOption, modelChoice, type ModelOptionValues } from '../model-option.js';
import { addAllowNonFiniteOption, positiveIntegerOption, type NonFiniteOptions } from '../common-options.js';

interface ReportCommandOptions extends NonFiniteOptions, ModelOptionValues {
  history?: string;
  out: string;
  data?: string;
  testLimit?: number;
  backend: BackendName;
}

export function registerReport(program: Command): void {
  addModelChoiceOption(addAllowNonFiniteOption(program.command('report')), 'file', 'the model: a .safetensors file saved by train --save')
    .description('write one self-contained HTML report of a saved model (layers, kernels, curves, confusion matrix, draw a digit) that works offline')
    .requiredOption('--out <file>', 'the HTML file to write (replaced atomically)')
    .option('--history <file>', 'the CSVLogger file of its training run, for the training curves')
    .option('--data <dir>', 'folder with MNIST-style IDX files for the confusion matrix; default: the built-in MNIST')
    .option('--test-limit <n>', 'count only the first N test images in the confusion matrix', positiveIntegerOption('--test-limit'))
    .addOption(new Option('--backend <name>', 'compute backend for the confusion matrix (the page itself runs the reference backend)').choices(['auto', 'native', 'reference']).default('auto'))
    .action(async (options: ReportCommandOptions) => {
      const modelFile = modelChoice(options, 'file', 'report').file!;
      const report = await writeReport(options.out, {
        modelFile, history: options.history, data: options.data, testLimit: options.testLimit,
        backend: options.backend, allowNonFinite: options.allowNonFinite,
      });
      for (const note of report.notes) console.log(note);
      console.log(`Wrote ${options.out} (${(report.bytes / 1024).toFixed(0)} KiB): open it in a browser; it needs no server and no network.`);
    });
}
