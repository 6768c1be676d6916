/** Reference batch gather (see Backend.gatherRows): one typed-array copy per row. */
import type { FloatArray } from '../backend.js';

export function gatherRows(source: FloatArray, rowLength: number, rows: Int32Array, target: FloatArray): void {
  if (!Number.isInteger(rowLength) || rowLength < 0) throw new RangeError(`gatherRows: rowLength must be a non-negative integer; received ${String(rowLength)}.`);
  const sourceRows = rowLength > 0 ? Math.floor(source.length / rowLength) : 0;
  if (target.length < rows.length * rowLength) {
    throw new RangeError(`gatherRows: target needs at least ${rows.length * rowLength} elements (${rows.length} rows of ${rowLength}); received ${target.length}.`);
  }
  // Every index before any copy, so a bad one leaves target as it was.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row < 0 || row >= sourceRows) throw new RangeError(`gatherRows: rows[${i}] = ${row} is not a row of the source (${sourceRows} rows of ${rowLength}).`);
  }
  for (let i = 0; i < rows.length; i++) target.set(source.subarray(rows[i] * rowLength, (rows[i] + 1) * rowLength), i * rowLength);
}
