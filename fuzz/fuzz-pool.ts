/**
 * Runs the fuzz targets in a pool of child processes (./worker.ts), so that a
 * crash (a signal, an abort, a sanitizer report), a hang or runaway memory is
 * recorded against the input that caused it and the run goes on with a fresh
 * worker from the next input. The parent watches each worker: an input that
 * runs past the time budget, or a worker whose resident memory passes the
 * limit, is killed and recorded. Every failure's input is rebuilt here from
 * (seed, target, index) and written with a replay command under the failures
 * folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzOptions } from './options.js';
import { TARGETS, targetByName } from './targets/index.js';
import { inputRandom } from './input-random.js';
import type { FuzzTarget } from './target.js';

export type FailureKind = 'exception' | 'crash' | 'hang' | 'memory';

export interface Failure {
  target: string;
  index: number;
  kind: FailureKind;
  message: string;
  /** The reproducer's folder, when one was written (the first few of each signature). */
  reproducer?: string;
}

export interface TargetCounts {
  target: string;
  inputs: number;
  accepted: number;
  refused: number;
  failed: number;
  /** Why the target did not run (the native addon did not load). */
  unavailable?: string;
}

export interface FuzzResult {
  counts: TargetCounts[];
  failures: Failure[];
  seconds: number;
}

interface Range { start: number; end: number }

interface TargetRun {
  target: FuzzTarget<unknown>;
  pending: Range[];
  counts: TargetCounts;
  running: number;
}

interface Worker {
  run: TargetRun;
  child: ChildProcess;
  range: Range;
  /** The input running now, and since when. */
  current?: number;
  since: number;
  /** The next input this worker has not finished. */
  resume: number;
  killedFor?: 'hang' | 'memory';
  stderr: string;
  done: boolean;
}

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'worker.js');
export const REPRODUCERS_PER_SIGNATURE = 3;
const PAGE_BYTES = 4096;

function residentBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
  } catch {
    return 0;
  }
}

/** Digits stripped, so failures that differ only in sizes and offsets share a signature. */
const signature = (f: Failure): string => `${f.target}|${f.kind}|${f.message.split('\n')[0]!.replace(/\d+/g, '#').slice(0, 200)}`;

export async function runFuzz(options: FuzzOptions, log: (line: string) => void = console.log): Promise<FuzzResult> {
  const started = Date.now();
  const deadline = started + options.seconds * 1000;
  const profile = { mild: options.mild };
  const chosen = options.targets.length > 0 ? options.targets.map(targetByName) : TARGETS;
  const first = options.only ?? 0;
  const runs: TargetRun[] = chosen.map((target) => ({
    target,
    pending: [{ start: first, end: first + (options.only === undefined ? options.count : 1) }],
    counts: { target: target.name, inputs: 0, accepted: 0, refused: 0, failed: 0 },
    running: 0,
  }));
  const failures: Failure[] = [];
  const written = new Map<string, number>();
  const seedCache = new Map<string, unknown[]>();
  const workers = new Set<Worker>();

  async function writeReproducer(failure: Failure, stderr: string): Promise<void> {
    const key = signature(failure);
    const n = written.get(key) ?? 0;
    if (n >= REPRODUCERS_PER_SIGNATURE) return;
    written.set(key, n + 1);
    const target = targetByName(failure.target);
    if (!seedCache.has(target.name)) seedCache.set(target.name, await target.seeds());
    const input = await target.generate(inputRandom(options.seed, target.name, failure.index), seedCache.get(target.name)!, profile, failure.index);
    const dir = join(options.failuresDir, target.name, `seed${options.seed}-input${failure.index}-${failure.kind}`);
    mkdirSync(dir, { recursive: true });
    for (const file of target.files(input)) writeFileSync(join(dir, file.name), file.bytes);
    const replay = `npm run fuzz -- --target ${target.name} --seed ${options.seed} --only ${failure.index}${options.mild ? ' --mild' : ''}`;
    writeFileSync(join(dir, 'failure.json'), `${JSON.stringify({ ...failure, seed: options.seed, mild: options.mild, replay, stderrTail: stderr.slice(-8000) }, null, 2)}\n`);
    failure.reproducer = dir;
  }

  const pendingWrites: Promise<void>[] = [];
  function fail(worker: Worker, index: number, kind: FailureKind, message: string): void {
    const failure: Failure = { target: worker.run.target.name, index, kind, message };
    failures.push(failure);
    worker.run.counts.failed++;
    worker.run.counts.inputs++;
    log(`FAILED ${failure.target} input ${index} (${kind}): ${message.split('\n')[0]!.slice(0, 300)}`);
    pendingWrites.push(writeReproducer(failure, worker.stderr).catch((error: unknown) => log(`could not write the reproducer of ${failure.target} input ${index}: ${String(error)}`)));
  }

  function onLine(worker: Worker, line: string): void {
    const counts = worker.run.counts;
    const [tag, rest = ''] = [line[0], line.slice(2)];
    if (tag === 'S') {
      worker.current = Number(rest);
      worker.since = Date.now();
      return;
    }
    if (tag === 'U') {
      counts.unavailable = rest;
      worker.run.pending = [];
      return;
    }
    if (tag === 'E') {
      worker.done = true;
      return;
    }
    const space = rest.indexOf(' ');
    const index = Number(space < 0 ? rest : rest.slice(0, space));
    worker.current = undefined;
    worker.resume = index + 1;
    if (tag === 'A') { counts.accepted++; counts.inputs++; }
    else if (tag === 'R') { counts.refused++; counts.inputs++; }
    else if (tag === 'F' || tag === 'G') fail(worker, index, 'exception', (JSON.parse(rest.slice(space + 1)) as { message: string }).message);
    else if (tag === 'M') fail(worker, index, 'memory', `resident memory ${Math.round(Number(rest.slice(space + 1)) / 2 ** 20)} MiB after this input, over the limit of ${options.maxRssMb} MiB`);
  }

  function nextRange(): { run: TargetRun; range: Range } | undefined {
    if (Date.now() >= deadline) return undefined;
    // The target that has done least goes next, so a short --seconds still reaches every target.
    const ready = runs.filter((r) => r.pending.length > 0 && !r.counts.unavailable);
    if (ready.length === 0) return undefined;
    const run = ready.reduce((a, b) => (a.counts.inputs + a.running * options.chunk <= b.counts.inputs + b.running * options.chunk ? a : b));
    const head = run.pending[0]!;
    const range = { start: head.start, end: Math.min(head.end, head.start + options.chunk) };
    head.start = range.end;
    if (head.start >= head.end) run.pending.shift();
    return { run, range };
  }

  return new Promise<FuzzResult>((resolve) => {
    let lastReport = Date.now();
    const finish = async (): Promise<void> => {
      clearInterval(watchdog);
      await Promise.all(pendingWrites);
      resolve({ counts: runs.map((r) => r.counts), failures, seconds: (Date.now() - started) / 1000 });
    };

    function startWorkers(): void {
      while (workers.size < options.jobs) {
        const next = nextRange();
        if (!next) break;
        startWorker(next.run, next.range);
      }
      if (workers.size === 0) void finish();
    }

    function startWorker(run: TargetRun, range: Range): void {
      const args = [run.target.name, options.seed, range.start, range.end, options.mild ? 1 : 0, deadline, options.maxRssMb * 2 ** 20].map(String);
      const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
      const worker: Worker = { run, child, range, since: Date.now(), resume: range.start, stderr: '', done: false };
      workers.add(worker);
      run.running++;
      let buffered = '';
      (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
      (child.stdio[3] as NodeJS.ReadableStream).on('data', (text: string) => {
        buffered += text;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          onLine(worker, buffered.slice(0, newline));
          buffered = buffered.slice(newline + 1);
        }
      });
      const keepTail = (text: Buffer): void => {
        worker.stderr = (worker.stderr + text.toString('utf8')).slice(-16000);
      };
      child.stdout!.on('data', keepTail);
      child.stderr!.on('data', keepTail);
      child.on('close', (code, signal) => {
        workers.delete(worker);
        run.running--;
        if (worker.current !== undefined) {
          const index = worker.current;
          if (worker.killedFor === 'hang') fail(worker, index, 'hang', `still running after the budget of ${options.budgetMs} ms per input`);
          else if (worker.killedFor === 'memory') fail(worker, index, 'memory', `resident memory passed the limit of ${options.maxRssMb} MiB while running this input`);
          else fail(worker, index, 'crash', `the worker died (${signal ? `signal ${signal}` : `exit code ${code}`}) while running this input: ${lastLines(worker.stderr)}`);
          worker.resume = index + 1;
        } else if (!worker.done && code !== 0 && worker.resume === range.start) {
          // Died before any input (a seed or import failure): nothing to blame an input for, and retrying would loop.
          run.counts.unavailable = `the worker failed to start (${signal ?? `exit code ${code}`}): ${lastLines(worker.stderr)}`;
          run.pending = [];
        }
        if (!run.counts.unavailable && worker.resume < range.end && Date.now() < deadline) run.pending.unshift({ start: worker.resume, end: range.end });
        startWorkers();
      });
    }

    const watchdog = setInterval(() => {
      const now = Date.now();
      for (const worker of workers) {
        if (worker.killedFor) continue;
        if (worker.current !== undefined && now - worker.since > options.budgetMs) worker.killedFor = 'hang';
        else if (worker.child.pid !== undefined && residentBytes(worker.child.pid) > options.maxRssMb * 2 ** 20) worker.killedFor = 'memory';
        else if (now > deadline + 2 * options.budgetMs) worker.killedFor = 'hang';
        if (worker.killedFor) worker.child.kill('SIGKILL');
      }
      if (!options.quiet && now - lastReport >= 10_000) {
        lastReport = now;
        log(`... ${Math.round((now - started) / 1000)} s: ${runs.map((r) => `${r.target.name} ${r.counts.inputs}`).join(', ')}`);
      }
    }, 50);
    startWorkers();
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-6).join(' | ').slice(0, 1500) || '(no output)';
}

export function formatCounts(result: FuzzResult): string {
  const rows = result.counts.map((c) => [c.target, c.inputs, c.accepted, c.refused, c.failed, c.unavailable ? `skipped: ${c.unavailable}` : ''].map(String));
  const totals = result.counts.reduce((t, c) => ({ inputs: t.inputs + c.inputs, accepted: t.accepted + c.accepted, refused: t.refused + c.refused, failed: t.failed + c.failed }), { inputs: 0, accepted: 0, refused: 0, failed: 0 });
  rows.push(['total', totals.inputs, totals.accepted, totals.refused, totals.failed, ''].map(String));
  const header = ['target', 'inputs', 'accepted', 'refused', 'FAILED', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const kinds = (['exception', 'crash', 'hang', 'memory'] as const).map((k) => `${k} ${result.failures.filter((f) => f.kind === k).length}`).join(', ');
  return [line(header), ...rows.map(line), `failures by kind: ${kinds}; ${result.seconds.toFixed(1)} s`].join('\n');
}
