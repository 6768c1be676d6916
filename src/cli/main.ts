#!/usr/bin/env node
/** The convkit command line: one subcommand per file under commands/. */
import { Command } from 'commander';
import { registerCompare } from './commands/compare-command.js';
import { registerExport } from './commands/export-command.js';
import { registerEvaluate } from './commands/evaluate-command.js';
import { registerPredict } from './commands/predict-command.js';
import { registerSummary } from './commands/summary-command.js';
import { registerTrain } from './commands/train-command.js';
import { registerBinimg } from './commands/binimg-command.js';
import { registerMalware } from './commands/malware-command.js';
import { registerInspect } from './commands/inspect-command.js';
import { registerPlayground } from './commands/playground-command.js';
import { registerReport } from './commands/report-command.js';
import { escapeControls } from '../core/quote-value.js';

const program = new Command()
  .name('convkit')
  .description('Build, train and inspect convolutional neural networks on Node.js')
  .showHelpAfterError();

registerSummary(program);
registerTrain(program);
registerEvaluate(program);
registerPredict(program);
registerCompare(program);
registerExport(program);
registerBinimg(program);
registerMalware(program);
registerInspect(program);
registerPlayground(program);
registerReport(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Library errors already say what was expected and received: print them plainly, without a stack.
  // Escaped: a message may carry a file or entry name, and the terminal must show it, not obey it.
  process.stderr.write(`convkit: ${escapeControls(error instanceof Error ? error.message : String(error), '\n\t')}\n`);
  process.exitCode = 1;
});
