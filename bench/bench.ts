/**
 * npm run bench: the performance protocol (docs/performance.md) in one run.
 * Each phase runs in its own Node process so that its peak RSS is its own;
 * figures are meant to be compared as ratios within one run (shared machines are noisy).
 * Writes bench/results.json and prints a table.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultMnistDir } from '../src/data/mnist.js';
import { RECIPES } from '../src/apps/lab/recipes.js';
import { readCpuTicks, stealPercent } from './host-steal.js';
import { median } from './phases/phase-output.js';

type PhaseResult = Record<string, unknown> & { maxRssMb: number };

const quick = process.argv.includes('--quick');
/** Only the modern CNN and its PyTorch peer (item 9's workload), for iterating on it. */
const modernOnly = process.argv.includes('--modern-only');

/**
 * Runs one phase's process and returns the JSON object its last stdout line
 * holds, with the host's CPU steal over the phase (host-steal.ts) added.
 */
function spawnPhase(label: string, command: string, args: string[], env: Record<string, string> = {}): PhaseResult {
  process.stderr.write(`bench: ${label}\n`);
  const before = readCpuTicks();
  const child = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 << 20, env: { ...process.env, ...env } });
  const hostStealPercent = stealPercent(before, readCpuTicks());
  if (child.status !== 0) throw new Error(`bench phase ${label} failed (exit ${child.status}):\n${child.stderr}`);
  const lines = child.stdout.trim().split('\n');
  return { ...(JSON.parse(lines[lines.length - 1]) as PhaseResult), hostStealPercent };
}

function runPhase(script: string, args: string[], env: Record<string, string> = {}): PhaseResult {
  const path = fileURLToPath(new URL(`./phases/${script}.js`, import.meta.url));
  const label = `${script} ${args.join(' ')}${Object.entries(env).map(([k, v]) => ` ${k}=${v}`).join('')}`;
  return spawnPhase(label, process.execPath, [path, ...args], env);
}

/**
 * PyTorch, when the machine has it (Debian: apt-get install python3-torch; a
 * development tool only), trains the same CNN on the same IDX files in the
 * same run, so the ratio is measured rather than quoted.
 */
function runPytorch(batch: number): PhaseResult | null {
  const python = '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) return null;
  const script = fileURLToPath(new URL('../../bench/pytorch/lab_cnn_epoch.py', import.meta.url));
  return spawnPhase(`pytorch batch ${batch}`, python, [script, defaultMnistDir(), String(batch), String(os.availableParallelism())]);
}

/**
 * The modern CNN (bench/modern-cnn.ts) in PyTorch, on the same kind of random
 * data, timed over the same number of distinct images.
 */
function runPytorchModern(batch: number, images: number): PhaseResult | null {
  const python = '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) return null;
  const script = fileURLToPath(new URL('../../bench/pytorch/modern_cnn_epoch.py', import.meta.url));
  return spawnPhase(`pytorch modern CNN batch ${batch}`, python, [script, String(batch), String(os.availableParallelism()), String(images)]);
}

/** The modern CNN's rows: convkit's epoch and inference against PyTorch's, measured back to back, and the step's shares. */
let modernResults: { convkit: PhaseResult; pytorch: PhaseResult | null } | null = null;
function modernRows(): [string, string][] {
  const images = quick ? 1280 : 10000;
  const ours = runPhase('modern-cnn-epoch', ['--batch', '128', '--limit', String(images), '--epochs', quick ? '1' : '3']);
  const theirs = runPytorchModern(128, images);
  modernResults = { convkit: ours, pytorch: theirs };
  const shares = Object.entries(ours.stepShares as Record<string, number>).filter(([, share]) => share >= 0.005)
    .map(([step, share]) => `${step} ${(100 * share).toFixed(1)}%`).join(', ');
  const rows: [string, string][] = [
    ['modern CNN (32x32x3, random)', `epoch of ${String(ours.epochImages)} images at batch 128: ${(ours.secondsPerEpoch as number).toFixed(1)} s (from ${String(ours.images)} distinct images${epochSpread(ours)}); inference ${Math.round(ours.inferenceImagesPerSecond as number).toLocaleString('en-US')} images/s`],
    ['  share of a training step', shares],
  ];
  if (theirs) {
    rows.push([`  PyTorch ${String(theirs.torch)}, same model`, `${(theirs.secondsPerEpoch as number).toFixed(1)} s/epoch, inference ${Math.round(theirs.inferenceImagesPerSecond as number).toLocaleString('en-US')} images/s (convkit ${((theirs.secondsPerEpoch as number) / (ours.secondsPerEpoch as number)).toFixed(1)}x faster training, ${((ours.inferenceImagesPerSecond as number) / (theirs.inferenceImagesPerSecond as number)).toFixed(1)}x faster inference; target 5x each)`]);
  } else {
    rows.push(['  PyTorch', 'not measured: /usr/bin/python3 has no torch (apt-get install python3-torch to compare in the same run)']);
  }
  return rows;
}

if (modernOnly) {
  const rows = modernRows();
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
  process.exit(0);
}

const trainLimit = quick ? ['--limit', '6000'] : [];
const peak = runPhase('peak-flops', []);
const batch32 = runPhase('train-epoch', ['--batch', '32', ...trainLimit]);
const batch64 = runPhase('train-epoch', ['--batch', '64', ...trainLimit]);
const batch128 = runPhase('train-epoch', ['--batch', '128', ...trainLimit]);
// The same epoch with direct convolution only, for the Winograd ratio and the FLOP-true % of peak.
const batch128Direct = runPhase('train-epoch', ['--batch', '128', ...trainLimit], { CONVKIT_WINOGRAD: '0' });
const reference = runPhase('train-epoch', ['--batch', '32', '--backend', 'reference', '--epochs', '1', '--limit', quick ? '128' : '512', '--inference-limit', '256']);
const recipe = quick ? null : runPhase('time-to-accuracy', []);
const binimg = runPhase('binimg-throughput', []);
const yieldCost = runPhase('yield-cost', [...trainLimit]);
const playground = runPhase('playground-predict', quick ? ['--drawings', '50'] : []);
const markov = runPhase('markov-throughput', []);
const pytorch32 = quick ? null : runPytorch(32);
const pytorch128 = quick ? null : runPytorch(128);
const modern = modernRows();

const num = (value: unknown) => value as number;
const peakGflops = num(peak.gflops);
/** "median of 3 epochs: 3.43-3.80 s" for a phase's epochs (or nothing for a single one). */
function epochSpread(phase: Record<string, unknown>): string {
  const each = phase.epochSecondsPerEpoch as number[];
  if (each.length < 2) return '';
  return `, median of ${each.length} epochs: ${Math.min(...each).toFixed(2)}-${Math.max(...each).toFixed(2)} s`;
}
/** An epoch's line; the training recipe's batch size is marked. */
function epochRow(batch: number, phase: Record<string, unknown>): [string, string] {
  const recipe = batch === RECIPES.cnn.batchSize ? "; the recipe's batch" : '';
  return [`epoch, batch ${batch}`, `${num(phase.secondsPerEpoch).toFixed(2)} s  (${num(phase.gflops).toFixed(1)} effective GFLOPS, ${((100 * num(phase.gflops)) / peakGflops).toFixed(1)}% of peak${epochSpread(phase)}${recipe})`];
}
/** The recipe's own epochs (the time-to-accuracy run), for the recipe's batch: they train at another learning rate than the epoch lines. */
function recipeEpochRows(): [string, string][] {
  if (!recipe) return [];
  const each = recipe.epochSeconds as number[];
  return [[`  with the recipe's schedule`, `${median(each).toFixed(2)} s  (median of the recipe's ${each.length} epochs: ${each.map((s) => s.toFixed(2)).join(', ')} s; lr ${RECIPES.cnn.learningRate} ${RECIPES.cnn.schedule}, beta_2 ${RECIPES.cnn.beta2}, as convkit train runs it; the epoch lines train at Adam's default 0.001)`]];
}
/** Each phase's share of CPU time taken by other guests of the host while it ran (host-steal.ts). */
function stealRow(): string {
  const phases: [string, PhaseResult | null][] = [
    ['peak', peak], ['batch 32', batch32], ['batch 64', batch64], ['batch 128', batch128], ['direct', batch128Direct],
    ['reference', reference], ['recipe', recipe], ['binimg', binimg], ['yield cost', yieldCost], ['playground', playground], ['PyTorch 32', pytorch32], ['PyTorch 128', pytorch128],
  ];
  const measured = phases.filter(([, phase]) => phase && typeof phase.hostStealPercent === 'number');
  if (measured.length === 0) return 'not measured (no steal counter in /proc/stat on this system)';
  const each = measured.map(([name, phase]) => `${name} ${num(phase?.hostStealPercent).toFixed(1)}%`).join(', ');
  return `${each} (of all CPU time while the phase ran; time a shared host gave to other guests)`;
}
/** The path the batch-128 phase ran and why the addon chose it (its own process: the choice is made at load). */
function isaChoiceRow(phase: PhaseResult): string {
  const choice = phase.isaChoice as { isa?: unknown; reason?: unknown } | null | undefined;
  return choice ? `${String(choice.isa)}: ${String(choice.reason)}` : 'none (not the native backend)';
}
const rows: [string, string][] = [
  ['machine', `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} threads, Node ${process.version}`],
  ['backend', String(batch128.backend)],
  ['instruction-set path', isaChoiceRow(batch128)],
  ['measured FMA peak', `${peakGflops.toFixed(0)} GFLOPS (${String(peak.isa)}, ${String(peak.threads)} threads)`],
  epochRow(32, batch32),
  epochRow(64, batch64),
  epochRow(128, batch128),
  ...recipeEpochRows(),
  ['  direct conv only', `${num(batch128Direct.secondsPerEpoch).toFixed(2)} s  (${num(batch128Direct.gflops).toFixed(1)} effective GFLOPS, ${((100 * num(batch128Direct.gflops)) / peakGflops).toFixed(1)}% of peak${epochSpread(batch128Direct)}; CONVKIT_WINOGRAD=0 at load; Winograd is ${(num(batch128Direct.secondsPerEpoch) / num(batch128.secondsPerEpoch)).toFixed(2)}x faster)`],
  ['inference (10k test)', `${Math.round(num(batch128.inferenceImagesPerSecond)).toLocaleString('en-US')} images/s, median of ${String(batch128.inferencePasses)} passes at batch ${String(batch128.inferenceBatchSize)} (best ${Math.round(num(batch128.inferenceBestImagesPerSecond)).toLocaleString('en-US')}; direct conv only: ${Math.round(num(batch128Direct.inferenceImagesPerSecond)).toLocaleString('en-US')})`],
  ['peak RSS, training epoch', `${Math.max(batch32.maxRssMb, batch64.maxRssMb, batch128.maxRssMb).toFixed(0)} MB`],
  ['reference backend, batch 32', `${num(reference.secondsPerEpoch).toFixed(0)} s/epoch (from ${String(reference.images)} images; native is ${(num(reference.secondsPerEpoch) / num(batch32.secondsPerEpoch)).toFixed(0)}x faster)`],
];
if (pytorch32 && pytorch128) {
  rows.push([`PyTorch ${String(pytorch32.torch)}, batch 32 / 128`, `${num(pytorch32.secondsPerEpoch).toFixed(2)} / ${num(pytorch128.secondsPerEpoch).toFixed(2)} s/epoch, inference ${Math.round(num(pytorch128.inferenceImagesPerSecond)).toLocaleString('en-US')} images/s (convkit ${(num(pytorch32.secondsPerEpoch) / num(batch32.secondsPerEpoch)).toFixed(1)}x / ${(num(pytorch128.secondsPerEpoch) / num(batch128.secondsPerEpoch)).toFixed(1)}x faster)`]);
} else if (!quick) {
  rows.push(['PyTorch', 'not measured: /usr/bin/python3 has no torch (apt-get install python3-torch to compare in the same run)']);
}
rows.push(...modern);
rows.push(['binimg conversion', `byteplot ${num(binimg.byteplotMBps).toFixed(0)} MB/s (zlib level 1), ${num(binimg.byteplotStoredMBps).toFixed(0)} MB/s (--compression 0), entropy ${num(binimg.entropyMBps).toFixed(0)} MB/s (64 MiB sample)`]);
rows.push(['markov image (binimg --mode markov)', `${num(markov.markovMBps).toFixed(0)} MB/s whole path, transition count alone ${num(markov.markovCountMBps).toFixed(0)} MB/s (64 MiB sample)`]);
// CPU-seconds per MB add up: everything but deflate (the stored path) plus zlib level 1 on one
// thread; spread perfectly over all cores that is the most level 1 can stream on this machine.
const levelOneCeiling = os.availableParallelism() / (1 / num(binimg.byteplotStoredMBps) + 1 / num(binimg.deflateOneThreadMBps));
rows.push(['  ceiling at zlib level 1', `zlib level 1 alone ${num(binimg.deflateOneThreadMBps).toFixed(0)} MB/s on one thread; with the rest of the path (the stored rate) at most ${levelOneCeiling.toFixed(0)} MB/s on ${os.availableParallelism()} threads`]);
if (recipe) {
  rows.push(['time to accuracy (recipe)', `${(num(recipe.testAccuracy) * 100).toFixed(2)}% test accuracy after ${num(recipe.trainSeconds).toFixed(1)} s of training (${JSON.stringify(recipe.recipe)})`]);
}
rows.push(['event-loop turns (fit)', `${num(yieldCost.slowdownPercent).toFixed(1)}% per epoch for a turn every 50 ms: ${num(yieldCost.medianYielding).toFixed(2)} s vs ${num(yieldCost.medianBlocking).toFixed(2)} s with yieldEveryMs: false (batch ${String(yieldCost.batchSize)}, medians of ${(yieldCost.yieldingSeconds as number[]).length} alternated epochs; target at most 2%); one turn alone takes ${num(yieldCost.turnMicroseconds).toFixed(1)} µs, ${num(yieldCost.turnSharePercent).toFixed(3)}% of 50 ms`]);
rows.push(['playground drawing during training', `answered in ${num(playground.roundTripMedianMs).toFixed(1)} ms median, ${num(playground.roundTripP95Ms).toFixed(1)} ms p95 over HTTP (${num(playground.computeMedianMs).toFixed(1)} ms in the model; ${String(playground.drawings)} drawings while a CNN job trained${playground.trainingThroughout ? '' : ' (the job ended before the last drawing)'}; target under 50 ms)`]);
rows.push(['host CPU steal', stealRow()]);
const width = Math.max(...rows.map(([k]) => k.length));
console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
console.log('effective GFLOPS: the FLOPs of direct convolution over every output (what the layers compute) per second; Winograd (F(5x5, 3x3) for conv + pool, F(2x2, 3x3) elsewhere) and the pooled backward (argmax positions only) do fewer multiplies for the same results, so the effective rate can pass what the FMA units do.');
if (quick) console.log('(--quick: epochs extrapolated from 6,000 images; no recipe run)');

const results = { date: new Date().toISOString(), quick, machine: { cpu: os.cpus()[0]?.model, threads: os.availableParallelism(), node: process.version }, peak, batch32, batch64, batch128, batch128Direct, reference, recipe, binimg, markov, yieldCost, playground, pytorch32, pytorch128, modern: modernResults };
const out = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${out}`);
