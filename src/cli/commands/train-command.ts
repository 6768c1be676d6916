/** convkit train: trains the lab CNN or the Dense baseline on MNIST with its recipe and reports test accuracy. */
import type { Command } from 'commander';
import { loadModelFile, saveModel } from '../../io/model-file.js';
import { ModelCheckpoint } from '../../io/model-checkpoint.js';
import { TerminateOnNaN } from '../../model/callbacks/terminate-on-nan.js';
import type { ModelKind } from '../../apps/lab/lab-models.js';
import { addAllowNonFiniteOption, addDataOptions, addRuntimeOptions, addTrainingOptions, type DataOptions, type NonFiniteOptions, type RuntimeOptions, type TrainingOptions } from '../common-options.js';
import { evaluateOnTestSet } from '../evaluation-report.js';
import { readRunRecord, RUN_KEY, writeRunRecord, type RunRecord } from '../run-record.js';
import { quoteString } from '../../core/quote-value.js';
import { loadData, resolveRecipe, trainLabModel, type TrainExtras } from '../../apps/lab/train-lab-model.js';
import { ConfigError, ConvkitError, ModelFileError } from '../../core/errors.js';
import { onInterrupt } from '../interrupt.js';
import { addModelChoiceOption, modelChoice, type ModelOptionValues } from '../model-option.js';

type TrainCommandOptions = { kind: ModelKind; save?: string; resume?: string; checkpoint?: string } & DataOptions & RuntimeOptions & TrainingOptions & NonFiniteOptions;

/** Loads a checkpoint and fills the options the user left out from the run that wrote it. */
async function prepareResume(options: TrainCommandOptions): Promise<{ kind: ModelKind; extras: TrainExtras }> {
  const file = options.resume!;
  const { model, epoch, metadata } = await loadModelFile(file, { backend: options.backend, allowNonFinite: options.allowNonFinite });
  if (epoch === undefined) throw new ModelFileError(`${file} records no epoch: it is a model, not a checkpoint. Write checkpoints with train --checkpoint or --save.`);
  if (!model.optimizer) throw new ModelFileError(`${file} has no training configuration (optimizer, loss); it cannot be trained further.`);
  const run = readRunRecord(metadata.get(RUN_KEY), file);
  const kind = run?.model ?? options.kind;
  if (run) {
    options.epochs ??= run.epochs;
    options.batchSize ??= run.batchSize;
    options.lr ??= run.learningRate;
    options.schedule ??= run.schedule;
    options.validationSplit ??= run.validationSplit;
    if (options.data !== run.data || options.trainLimit !== run.trainLimit) {
      process.stderr.write(`convkit: warning: ${file} was trained with ${run.data ? `--data ${quoteString(run.data)}` : 'the built-in MNIST'}${run.trainLimit ? ` --train-limit ${run.trainLimit}` : ''}; resuming on other data will not reproduce the run.\n`);
    }
  }
  // Adam's beta_2 is part of the optimizer the checkpoint restores; a resumed run keeps it.
  const savedBeta2 = model.optimizer.getConfig().beta2;
  if (typeof savedBeta2 === 'number') {
    if (options.beta2 !== undefined && options.beta2 !== savedBeta2) {
      throw new ConfigError(`${file} was trained with Adam beta_2 ${savedBeta2}, and a resumed run keeps its optimizer; received --beta2 ${options.beta2}.`);
    }
    options.beta2 = savedBeta2;
  }
  const recipe = resolveRecipe(kind, options);
  if (epoch >= recipe.epochs) throw new ConfigError(`${file} has already completed ${epoch} of ${recipe.epochs} epochs; pass --epochs above ${epoch} to train further.`);
  // With a constant schedule nothing else sets the rate; an explicit --lr applies from here on.
  if (recipe.schedule === 'constant') model.optimizer.learningRate = recipe.learningRate;
  console.log(`Resuming from ${file}: ${epoch} of ${recipe.epochs} epochs done`);
  return { kind, extras: { model, initialEpoch: epoch } };
}

export function registerTrain(program: Command): void {
  const command = program.command('train').description('train a model on MNIST (built-in, or --data DIR) and report test accuracy');
  addAllowNonFiniteOption(addTrainingOptions(addDataOptions(addRuntimeOptions(addModelChoiceOption(command, 'kinds')))))
    .option('--save <file>', 'save the trained model, resumable, to a .safetensors file')
    .option('--checkpoint <file>', 'save a resumable checkpoint after every epoch (a template such as ckpt-{epoch:02d}.safetensors, or one file overwritten atomically)')
    .option('--resume <file>', 'continue training from a checkpoint up to --epochs (model, recipe and seed come from the file)')
    .action(async (options: TrainCommandOptions & ModelOptionValues) => {
      const choice = modelChoice(options, 'kinds', 'train');
      if (choice.file !== undefined) {
        throw new ConfigError(`train builds a new model of a kind (--model cnn or --model dense); to train the saved model ${quoteString(choice.file)} further, pass it as --resume (a checkpoint from train --save or --checkpoint).`);
      }
      options.kind = choice.kind;
      const resumed = options.resume ? await prepareResume(options) : { kind: options.kind, extras: {} as TrainExtras };
      const { kind } = resumed;
      const data = await loadData(options);
      console.log(`Data: ${data.train.count} training and ${data.test.count} test images from ${data.source}`);
      const run: RunRecord = { model: kind, ...resolveRecipe(kind, options), validationSplit: options.validationSplit, data: options.data, trainLimit: options.trainLimit };
      const metadata = { [RUN_KEY]: writeRunRecord(run) };
      const terminate = new TerminateOnNaN();
      const callbacks = [terminate, ...(options.checkpoint ? [new ModelCheckpoint(options.checkpoint, { metadata })] : [])];
      const interrupt = onInterrupt('training');
      let trained;
      try {
        trained = await trainLabModel(kind, data, options, { ...resumed.extras, callbacks, signal: interrupt.signal });
      } finally {
        interrupt.dispose();
      }
      const { recipe, model } = trained;
      if (trained.history.interrupted) {
        const { epoch, step, steps } = trained.history.interrupted;
        const kept = options.checkpoint && trained.history.epoch.length > 0 ? `; the checkpoint of epoch ${trained.history.epoch.at(-1)! + 1} is kept` : '';
        console.log(`Interrupted by Ctrl-C at epoch ${epoch + 1}/${recipe.epochs}, step ${step + 1}/${steps}: not evaluated, nothing saved${options.save ? ` (--save ${options.save} was not written)` : ''}${kept}.`);
        process.exitCode = 130;
        return;
      }
      if (terminate.stoppedAt) {
        const { epoch, step, loss, weight } = terminate.stoppedAt;
        const what = weight ? `weight "${weight.name}" holds ${weight.value} at index ${weight.index} after epoch ${epoch + 1}` : `loss ${loss} at epoch ${epoch + 1}, step ${step + 1}`;
        throw new ConvkitError(`training diverged (${what}); nothing was saved${options.checkpoint ? ' after the last good checkpoint' : ''}.`);
      }
      console.log(`Backend: ${model.backend.description}; seed ${model.seed}; ${recipe.epochs} epoch${recipe.epochs === 1 ? "" : "s"}, batch ${recipe.batchSize}, Adam lr ${recipe.learningRate} (${recipe.schedule}), beta_2 ${recipe.beta2}`);
      const evaluation = await evaluateOnTestSet(model, data.test);
      const perEpoch = trained.history.epochSeconds.reduce((a, b) => a + b, 0) / trained.history.epochSeconds.length;
      console.log(
        `Test accuracy ${(evaluation.report.accuracy * 100).toFixed(2)}% (${evaluation.report.errors} errors of ${data.test.count}), ` +
          `test loss ${evaluation.loss.toFixed(4)}; trained in ${trained.trainSeconds.toFixed(1)} s (${perEpoch.toFixed(2)} s/epoch)`,
      );
      if (options.save) {
        const epochsDone = (trained.history.epoch.at(-1) ?? (resumed.extras.initialEpoch ?? 0) - 1) + 1;
        await saveModel(model, options.save, { epoch: epochsDone, metadata, allowNonFinite: options.allowNonFinite });
        console.log(`Saved ${options.save} (${epochsDone} epochs; resume with --resume ${options.save} --epochs N)`);
      }
    });
}
