/**
 * convkit compare: the lab's experiment. Trains the Dense baseline and the CNN
 * on the same data with the same seed, then prints the comparison table with
 * measured numbers and what the accuracy gap means at scale.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { formatCount } from '../../model/summary.js';
import { addDataOptions, addRuntimeOptions, addTrainingOptions, type DataOptions, type RuntimeOptions, type TrainingOptions } from '../common-options.js';
import { evaluateOnTestSet, formatEvaluation, type Evaluation } from '../evaluation-report.js';
import { loadData, trainLabModel, type TrainedModel } from '../../apps/lab/train-lab-model.js';

type CompareCommandOptions = DataOptions & RuntimeOptions & TrainingOptions & { eventsPerDay: number; reports: boolean };

interface Row {
  title: string;
  trained: TrainedModel;
  evaluation: Evaluation;
}

export function formatComparison(rows: Row[], testCount: number, eventsPerDay: number): string {
  const [baseline, cnn] = rows;
  const column = (cells: string[]) => cells[0].padEnd(26) + cells.slice(1).map((c) => c.padEnd(22)).join('');
  const perEpoch = (r: Row) => r.trained.history.epochSeconds.reduce((a, b) => a + b, 0) / r.trained.history.epochSeconds.length;
  const lines = [
    column(['', baseline.title, cnn.title]),
    column(['Parameters', ...rows.map((r) => formatCount(r.trained.model.countParams()))]),
    column(['Test accuracy', ...rows.map((r) => `${(r.evaluation.report.accuracy * 100).toFixed(2)}%`)]),
    column([`Test errors (of ${formatCount(testCount)})`, ...rows.map((r) => formatCount(r.evaluation.report.errors))]),
    column(['Macro F1', ...rows.map((r) => r.evaluation.report.macroF1.toFixed(4))]),
    column(['Epochs x batch size', ...rows.map((r) => `${r.trained.recipe.epochs} x ${r.trained.recipe.batchSize}`)]),
    column(['Seconds per epoch', ...rows.map((r) => perEpoch(r).toFixed(2))]),
    column(['Training time', ...rows.map((r) => `${r.trained.trainSeconds.toFixed(1)} s`)]),
    column(['Inference (images/s)', ...rows.map((r) => formatCount(Math.round(testCount / r.evaluation.inferenceSeconds)))]),
  ];
  const gap = cnn.evaluation.report.accuracy - baseline.evaluation.report.accuracy;
  const errorsPerDay = (r: Row) => Math.round((1 - r.evaluation.report.accuracy) * eventsPerDay);
  const ratio = errorsPerDay(cnn) > 0 ? (errorsPerDay(baseline) / errorsPerDay(cnn)).toFixed(1) : 'inf';
  lines.push('');
  lines.push(
    `What the gap means: the CNN is ${(gap * 100).toFixed(2)} points ${gap >= 0 ? 'more' : 'less'} accurate. ` +
      `At ${formatCount(eventsPerDay)} decisions a day that is ${formatCount(Math.round(Math.abs(gap) * eventsPerDay))} ${gap >= 0 ? 'more' : 'fewer'} correct decisions per day: ` +
      `errors go from ${formatCount(errorsPerDay(baseline))} to ${formatCount(errorsPerDay(cnn))} a day (${ratio}x ${gap >= 0 ? 'fewer' : 'more'}).`,
  );
  lines.push(
    'Where each error is costly (a missed fraud, a misread cheque, a malware sample let through), the error count, not the accuracy, is what scales the cost.',
  );
  return lines.join('\n');
}

export function registerCompare(program: Command): void {
  const command = program.command('compare').description('train the Dense baseline and the CNN on the same data and compare them (the lab)');
  addTrainingOptions(addDataOptions(addRuntimeOptions(command)))
    .option('--events-per-day <n>', 'decisions per day used to translate the accuracy gap', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`--events-per-day expects a positive integer; received '${v}'.`);
      return n;
    }, 1_000_000)
    .option('--no-reports', 'skip the confusion matrices and per-class metrics')
    .action(async (options: CompareCommandOptions) => {
      const data = await loadData(options);
      console.log(`Data: ${formatCount(data.train.count)} training and ${formatCount(data.test.count)} test images from ${data.source}`);
      const rows: Row[] = [];
      for (const [kind, title] of [['dense', 'Dense baseline'], ['cnn', 'CNN']] as const) {
        console.log(`\nTraining the ${title}`);
        const trained = await trainLabModel(kind, data, options);
        rows.push({ title, trained, evaluation: await evaluateOnTestSet(trained.model, data.test) });
      }
      console.log(`\nBackend: ${rows[1].trained.model.backend.description}; seed ${options.seed}\n`);
      console.log(formatComparison(rows, data.test.count, options.eventsPerDay));
      if (options.reports) {
        for (const row of rows) console.log(`\n${formatEvaluation(row.title, row.evaluation)}`);
      }
    });
}
