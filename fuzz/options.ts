/**
 * The fuzz run's options (`npm run fuzz -- --seed 1 --count 10000 --seconds 600`)
 * and the limits every worker applies.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import type { Profile } from './target.js';

export interface FuzzOptions {
  /** Base seed: input i of target t is a function of (seed, t, i) alone. */
  seed: number;
  /** Inputs per target. */
  count: number;
  /** Wall-clock bound for the whole run; targets stop where they are when it passes. */
  seconds: number;
  /** Targets to run (all when empty). */
  targets: string[];
  /** Child processes running inputs at once. */
  jobs: number;
  /** An input running longer than this is a hang. */
  budgetMs: number;
  /** A worker whose resident memory passes this is a memory failure. */
  maxRssMb: number;
  /** Inputs one worker process runs before it exits and a fresh one takes the next range. */
  chunk: number;
  /** Where reproducers go. */
  failuresDir: string;
  /** Run only input `only` of each target (to replay a reproducer). */
  only?: number;
  mild: boolean;
  quiet: boolean;
  /** Fail the run when a target could not run (e.g. no native addon) or stopped short of --count at --seconds. */
  requireComplete: boolean;
}

/**
 * Nesting depth of the deep-JSON mutation: a full run goes far past the ~5,000
 * levels that once overflowed the stack (the loaders now refuse more than 64
 * before parsing); a mild run stays at a few hundred, which is quicker to build.
 */
export function jsonDepth(profile: Profile): number {
  return profile.mild ? 200 : 20_000;
}

const USAGE = `npm run fuzz -- [--seed N] [--count N per target] [--seconds N] [--target NAME ...] [--jobs N]
  [--budget-ms N per input] [--max-rss-mb N] [--chunk N] [--failures DIR] [--only I] [--mild] [--quiet] [--require-complete]`;

export function parseFuzzArgs(argv: readonly string[]): FuzzOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '600' },
      target: { type: 'string', multiple: true, default: [] },
      jobs: { type: 'string', default: String(Math.max(1, Math.min(4, availableParallelism()))) },
      'budget-ms': { type: 'string', default: '5000' },
      'max-rss-mb': { type: 'string', default: '1024' },
      chunk: { type: 'string', default: '5000' },
      failures: { type: 'string', default: 'fuzz-failures' },
      only: { type: 'string' },
      mild: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'require-complete': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const integer = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < min) throw new RangeError(`--${name}: expected an integer >= ${min}; received ${JSON.stringify(text)}.\n${USAGE}`);
    return n;
  };
  return {
    seed: integer('seed', values.seed, 0),
    count: integer('count', values.count, 1),
    seconds: integer('seconds', values.seconds, 1),
    targets: values.target,
    jobs: integer('jobs', values.jobs, 1),
    budgetMs: integer('budget-ms', values['budget-ms'], 1),
    maxRssMb: integer('max-rss-mb', values['max-rss-mb'], 64),
    chunk: integer('chunk', values.chunk, 1),
    failuresDir: values.failures,
    only: values.only === undefined ? undefined : integer('only', values.only, 0),
    mild: values.mild,
    quiet: values.quiet,
    requireComplete: values['require-complete'],
  };
}
