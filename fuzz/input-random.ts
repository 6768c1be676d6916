/** The generator of input `index` of `target` under `seed`: any input can be rebuilt alone, in any process. */
import { Random } from '../src/core/random.js';

function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function inputRandom(seed: number, target: string, index: number): Random {
  // Random's constructor spreads this 32-bit value over its state with splitmix32.
  const mixed = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ nameHash(target) ^ Math.imul(index + 1, 0xc2b2ae35) ^ Math.floor(index / 2 ** 32);
  return new Random(mixed >>> 0);
}
