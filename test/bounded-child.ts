/**
 * Runs a resource-bomb reproducer in a child process and reports how it
 * ended: exit status, output, peak memory (maxRSS, reported by the child
 * itself through a preload that writes process.resourceUsage() on exit) and
 * wall time. A watchdog kills the child past a time limit, or as soon as its
 * resident memory (read from /proc where there is one) passes a kill limit,
 * so that a reproducer that still hangs or grows fails its test instead of
 * hanging the suite or exhausting the machine. Limits are stated by each test,
 * far above what the fixed readers need.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** The compiled src/ folder, for `node -e` reproducers that import a loader. */
export const DIST_SRC = fileURLToPath(new URL('../src/', import.meta.url));

export interface BoundedRun {
  /** Exit status, or null when killed. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory in MiB, as the child reported it (undefined if it was killed before it could). */
  peakMiB: number | undefined;
  seconds: number;
  /** Why the watchdog killed it, if it did. */
  killed?: string;
}

export interface BoundedOptions {
  /** Kill past this many seconds (default 20). */
  timeoutSeconds?: number;
  /** Kill once the resident memory passes this many MiB (default 1536). */
  killAboveMiB?: number;
  cwd?: string;
}

const MARK = 'bounded-child-peak-kib=';
let preload: string | undefined;

function preloadFile(): string {
  if (preload === undefined) {
    preload = join(mkdtempSync(join(tmpdir(), 'convkit-bounded-')), 'report-peak.mjs');
    // maxRSS is in KiB; written on every exit path (normal, process.exit, uncaught error).
    writeFileSync(preload, `process.on('exit', () => { process.stderr.write('\\n${MARK}' + process.resourceUsage().maxRSS + '\\n'); });\n`);
  }
  return preload;
}

function residentMiB(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `node <args>` with the peak-memory preload, under the watchdog. */
export function runBounded(args: readonly string[], options: BoundedOptions = {}): Promise<BoundedRun> {
  const timeoutSeconds = options.timeoutSeconds ?? 20;
  const killAboveMiB = options.killAboveMiB ?? 1536;
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', preloadFile(), ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text; });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
  let killed: string | undefined;
  const kill = (why: string): void => {
    if (killed === undefined) {
      killed = why;
      child.kill('SIGKILL');
    }
  };
  const timer = setTimeout(() => kill(`still running after ${timeoutSeconds} s`), timeoutSeconds * 1000);
  const watch = setInterval(() => {
    const rss = child.pid === undefined ? undefined : residentMiB(child.pid);
    if (rss !== undefined && rss > killAboveMiB) kill(`resident memory ${Math.round(rss)} MiB passed ${killAboveMiB} MiB`);
  }, 50);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      clearInterval(watch);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const match = new RegExp(`\\n${MARK}(\\d+)\\n`).exec(stderr);
      const peakMiB = match ? Number(match[1]) / 1024 : undefined;
      resolve({ status, stdout, stderr: stderr.replace(new RegExp(`\\n${MARK}\\d+\\n`), ''), peakMiB, seconds, killed });
    });
  });
}

/** Runs an ES module snippet (`node --input-type=module -e`), which can import from DIST_SRC. */
export function runSnippetBounded(code: string, options: BoundedOptions = {}): Promise<BoundedRun> {
  return runBounded(['--input-type=module', '-e', code], options);
}

/** One line for assertion messages: how the run ended. */
export function describeRun(run: BoundedRun): string {
  return `status ${run.status}, ${run.seconds.toFixed(1)} s, peak ${run.peakMiB?.toFixed(0) ?? '?'} MiB${run.killed ? `, killed: ${run.killed}` : ''}; stderr: ${run.stderr.slice(-600)}`;
}
