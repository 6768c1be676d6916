/**
 * A target that misbehaves on purpose, to test the harness itself (not in the
 * default list; run it by name): input 0 is accepted, 1 refused, 2 throws a
 * plain Error, 3 aborts the process, 4 never returns, 5 holds 2 GiB.
 */
import { ConvkitError } from '../../src/core/errors.js';
import type { FuzzTarget } from '../target.js';

let held: Uint8Array[] = [];

export const selfTestTarget: FuzzTarget<number> = {
  name: 'self-test',
  seeds: async () => [],
  generate: (_random, _seeds, _profile, index) => index,
  run(kind) {
    switch (kind % 6) {
      case 0: return;
      case 1: throw new ConvkitError('refused on purpose');
      case 2: throw new Error('a plain Error on purpose');
      case 3: process.abort();
      // eslint-disable-next-line no-fallthrough
      case 4: for (;;);
      default:
        held = Array.from({ length: 64 }, () => new Uint8Array(32 << 20).fill(1));
    }
  },
  isRefusal: (error) => error instanceof ConvkitError,
  files: (kind) => [{ name: 'kind.txt', bytes: new Uint8Array(Buffer.from(`${kind % 6} (${held.length})\n`)) }],
};
