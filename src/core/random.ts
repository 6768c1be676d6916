/**
 * The one seeded generator behind all randomness in a model (weight init,
 * shuffling, dropout), so that the same seed gives bit-identical weights.
 * Algorithm: xoshiro128** (small state, good statistical quality, fast in
 * 32-bit JavaScript integer arithmetic), seeded through splitmix32.
 */
import { ConfigError } from './errors.js';
import { quoteValue } from './quote-value.js';

export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed: number) {
    // Safe integers only: a model file stores the seed as its decimal digits and reads back at most 2^53.
    if (!Number.isSafeInteger(seed)) {
      throw new ConfigError(`Random expects an integer seed between -(2^53 - 1) and 2^53 - 1; received ${quoteValue(seed)}. Pass a whole number such as 42.`);
    }
    let x = seed >>> 0;
    const next = (): number => {
      // splitmix32: spreads any seed (even 0) over the 128-bit state.
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [0, n). Rejection sampling avoids modulo bias. */
  int(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return r % n;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle(values: Int32Array): void {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }

  /** The full generator state, so a run can be checkpointed and resumed exactly. */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.every((v) => v === 0)) {
      throw new ConfigError(`Random state must be 4 integers, not all zero; received [${state.join(', ')}].`);
    }
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A fresh seed when the user gives none (recorded so the run can be repeated). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
