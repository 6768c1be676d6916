/**
 * Giving the event loop a turn during fit, evaluate and predict, so that a
 * timer, a server or a SIGINT handler keeps running while a model trains.
 *
 * The loops ask `due()` once per batch (one clock read, no allocation) and
 * only when `everyMs` of work has passed await `turn()`, a macrotask: a
 * resolved promise would run before any timer or I/O callback and so would
 * give nothing back. setImmediate is used where it exists (Node): queued from
 * the check phase it runs on the next loop iteration, after due timers and
 * I/O, and costs no clock delay (a zero timeout waits at least 1 ms, 2% of a
 * 50 ms slice); elsewhere (a browser page) a zero timeout. Only a first turn
 * queued from the poll phase runs before that iteration's timers; every later
 * one is queued from the check phase, so timers get each turn after it.
 * Tests: test/model/event-loop-turns.test.ts (a timer ticks during fit);
 * the cost is the bench line "lab CNN epoch, yielding vs not" (bench/phases/yield-cost.ts).
 */
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';

/** Default: a turn at least every 50 ms of work. */
export const DEFAULT_YIELD_EVERY_MS = 50;

/** `yieldEveryMs` as fit / evaluate / predict take it: milliseconds of work between turns, or false for none. */
export type YieldEvery = number | false;

export function checkYieldEvery(where: string, value: unknown): YieldEvery {
  if (value === false) return false;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new ConfigError(`${where} expects yieldEveryMs to be a positive number of milliseconds such as 50, or false to never give the event loop a turn; received ${quoteValue(value)}.`);
  }
  return value;
}

const schedule: (resolve: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (resolve) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(resolve)
    : (resolve) => setTimeout(resolve, 0);

export class EventLoopTurns {
  private last = performance.now();
  /** How many turns were given; tests read it. */
  count = 0;

  constructor(private readonly everyMs: YieldEvery) {}

  /** True when everyMs of work has passed since the last turn (never when yielding is off). */
  due(): boolean {
    return this.everyMs !== false && performance.now() - this.last >= this.everyMs;
  }

  /** Lets timers and I/O run, then resumes; the next turn is due everyMs after this one ends. */
  async turn(): Promise<void> {
    await new Promise<void>(schedule);
    this.count++;
    this.last = performance.now();
  }
}
