/**
 * Backend.gatherRows, the batch gather of fit(): each backend copies the rows
 * asked for, in order, and refuses an index outside the source without writing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../src/backend/backend.js';
import { createReferenceBackend } from '../../src/backend/reference/reference-backend.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import { Random } from '../../src/core/random.js';

const backends: Backend[] = [createReferenceBackend()];
const loaded = loadNativeBackend();
if (!('error' in loaded)) backends.push(loaded.backend);

function filled(length: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length }, () => random.next());
}

for (const backend of backends) {
  test(`${backend.name} gatherRows copies the listed rows in order (odd lengths, repeats, none)`, () => {
    for (const [sourceRows, rowLength, count] of [[5, 1, 3], [17, 33, 17], [40, 784, 129], [3, 127, 0]]) {
      const source = filled(sourceRows * rowLength, rowLength);
      const random = new Random(count + 1);
      const rows = Int32Array.from({ length: count }, () => Math.floor(random.next() * sourceRows));
      if (count > 1) rows[1] = rows[0]; // a repeated row
      const target = new Float32Array(count * rowLength + 2).fill(-1);
      backend.gatherRows(source, rowLength, rows, target);
      rows.forEach((row, i) =>
        assert.deepEqual(target.subarray(i * rowLength, (i + 1) * rowLength), source.subarray(row * rowLength, (row + 1) * rowLength), `row ${i} of ${count}`),
      );
      assert.deepEqual(Array.from(target.subarray(count * rowLength)), [-1, -1], 'nothing written past the rows');
    }
  });

  test(`${backend.name} gatherRows refuses a row outside the source and writes nothing`, () => {
    const source = filled(4 * 3, 9);
    const target = new Float32Array(3 * 3).fill(7);
    for (const bad of [4, -1]) {
      assert.throws(() => backend.gatherRows(source, 3, Int32Array.of(0, 2, bad), target), (e: Error) =>
        e instanceof RangeError && e.message.includes(`rows[2] = ${bad}`) && /4 rows of 3/.test(e.message));
      assert.ok(target.every((v) => v === 7), 'target untouched');
    }
    assert.throws(() => backend.gatherRows(source, 3, Int32Array.of(0, 1), new Float32Array(5)), /at least 6 elements/);
  });
}
