/**
 * One way to name a model on every command: `--model` takes `cnn` or `dense`
 * (a fresh lab model, where the command builds one) or the path of a model
 * file (.safetensors from train --save, or a TF.js model.json or its folder);
 * `--model-file FILE` is kept as an alias. A file named "cnn" or "dense" is
 * given as ./cnn. Test: test/cli/model-option.test.ts.
 */
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { MODEL_KINDS, type ModelKind } from '../apps/lab/lab-models.js';
import { ConfigError } from '../core/errors.js';
import { quoteString } from '../core/quote-value.js';
import { loadAnyModel } from '../io/load-any-model.js';
import type { LoadOptions } from '../io/model-file.js';
import type { Sequential } from '../model/sequential.js';

export interface ModelOptionValues {
  model?: string;
  modelFile?: string;
}

export type ModelChoice = { kind: ModelKind; file?: undefined } | { file: string; kind?: undefined };

/** What the command accepts: lab kinds and files ('kinds'), or a trained model file only ('file'). */
export type ModelUse = 'kinds' | 'file';

const FILE_HELP = 'a model file: .safetensors (train --save) or a TF.js model.json (or its folder)';

/** `help` replaces the description of --model where the file is of a narrower kind (the malware commands' family models). */
export function addModelChoiceOption(command: Command, use: ModelUse, help?: string): Command {
  help ??= use === 'kinds' ? `cnn (the lab CNN, the default), dense (the Dense baseline) or ${FILE_HELP}` : `the model to run: ${FILE_HELP}`;
  return command.option('-m, --model <model>', help).option('--model-file <file>', 'the same as --model FILE (kept for older scripts)');
}

function isKind(value: string): value is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(value);
}

/** The model the options name; `command` is the command's name, for messages. */
export function modelChoice(options: ModelOptionValues, use: ModelUse, command: string): ModelChoice {
  if (options.model !== undefined && options.modelFile !== undefined && options.model !== options.modelFile) {
    throw new ConfigError(`--model and --model-file name the same thing; give one of them (received --model ${quoteString(options.model)} and --model-file ${quoteString(options.modelFile)}).`);
  }
  const value = options.model ?? options.modelFile;
  if (value === undefined) {
    if (use === 'kinds') return { kind: 'cnn' };
    throw new ConfigError(`${command} needs a model: --model FILE, ${FILE_HELP}.`);
  }
  if (options.model !== undefined && isKind(value)) {
    if (use === 'kinds') return { kind: value };
    throw new ConfigError(`${command} runs a trained model file; --model ${value} names an untrained architecture. Pass a file a training run saved (--save m.safetensors), or ./${value} for a file named "${value}".`);
  }
  return { file: value };
}

/** Loads the file a ModelChoice names; for a command that also takes kinds, a missing path says what --model takes. */
export async function loadChosenModel(file: string, use: ModelUse, options: LoadOptions): Promise<Sequential> {
  if (use === 'kinds' && (await stat(file).catch(() => undefined)) === undefined) {
    throw new ConfigError(`--model ${quoteString(file)} is neither a model kind (${MODEL_KINDS.join(', ')}) nor an existing file; --model takes ${MODEL_KINDS.join(', ')} or ${FILE_HELP}.`);
  }
  return loadAnyModel(file, options);
}
