/**
 * convkit export: turns a saved model (train --save) into files that run
 * elsewhere: a TF.js layers model (model.json + weights.bin, for
 * tf.loadLayersModel) or an ONNX model (model.onnx, for ONNX Runtime and
 * other engines). Inputs and outputs stay NHWC, as in convkit.
 */
import { Option, type Command } from 'commander';
import { exportOnnx } from '../../io/onnx-export.js';
import { exportTfjs } from '../../io/tfjs-export.js';
import { formatCount } from '../../model/summary.js';
import { addAllowNonFiniteOption } from '../common-options.js';
import { addModelChoiceOption, loadChosenModel, modelChoice, type ModelOptionValues } from '../model-option.js';

interface ExportOptions extends ModelOptionValues {
  format: 'tfjs' | 'onnx';
  out: string;
  force?: boolean;
  allowNonFinite?: boolean;
}

export function registerExport(program: Command): void {
  addAllowNonFiniteOption(addModelChoiceOption(program.command('export').description('export a saved model to TF.js (model.json + weights.bin) or ONNX (model.onnx)'), 'file'))
    .addOption(new Option('--format <format>', 'what to write').choices(['tfjs', 'onnx']).makeOptionMandatory())
    .requiredOption('--out <dir>', 'the folder to write into (created when missing; must be empty unless --force)')
    .option('--force', 'write into a folder that already holds files, replacing files of the same names')
    .action(async (options: ExportOptions) => {
      // Exporting computes nothing: the reference backend avoids loading the native addon.
      const choice = modelChoice(options, 'file', 'export');
      const model = await loadChosenModel(choice.file!, 'file', { backend: 'reference', allowNonFinite: options.allowNonFinite });
      const write = options.format === 'tfjs' ? exportTfjs : exportOnnx;
      const written = await write(model, options.out, { force: options.force, allowNonFinite: options.allowNonFinite });
      console.log(`Exported ${model.name} (${formatCount(model.countParams())} params) from ${choice.file} to ${written}${options.format === 'tfjs' ? ' and its weights.bin' : ''}`);
    });
}
