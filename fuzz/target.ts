/**
 * What a fuzz target is: valid seed inputs it builds itself, a seeded way to
 * derive input number i from them, the code under test, and which errors
 * count as a clean refusal. Everything else a run throws is a failure.
 */
import type { Random } from '../src/core/random.js';

/** The kind of run: a mild one is a quick one (see ./options.ts). */
export interface Profile {
  /** No inflation bombs (each costs a worker seconds) and JSON nesting at most a few hundred levels. */
  readonly mild: boolean;
}

/** A file of a reproducer: the input as the target reads it. */
export interface ReproducerFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface FuzzTarget<T> {
  readonly name: string;
  /** Why the target is unavailable in this process (the native addon did not load), else undefined. */
  unavailable?(): string | undefined;
  /** Valid inputs, built once per process. */
  seeds(): Promise<T[]>;
  /** Input number `index`: a mutation of the seeds drawn from `random` (made from the seed and `index`) alone. */
  generate(random: Random, seeds: readonly T[], profile: Profile, index: number): Promise<T> | T;
  /** Runs the code under test on one input; returns when it accepted it, throws when it refused it. */
  run(input: T): Promise<void> | void;
  /** True when `error` is a documented refusal (a ConvkitError; the native boundary's RangeError/TypeError). */
  isRefusal(error: unknown): boolean;
  /** The input as files, for the reproducer. */
  files(input: T): ReproducerFile[];
}

/** Thrown by a target's own checks on an accepted input (an oracle): never a refusal. */
export class OracleFailure extends Error {
  override name = 'OracleFailure';
}

/** Every weight finite, or an OracleFailure naming the first that is not. */
export function assertFiniteWeights(weights: readonly { name: string; value: ArrayLike<number> }[], what: string): void {
  for (const w of weights) {
    for (let i = 0; i < w.value.length; i++) {
      if (!Number.isFinite(w.value[i])) throw new OracleFailure(`${what} accepted a non-finite weight: ${w.name}[${i}] = ${w.value[i]}`);
    }
  }
}
