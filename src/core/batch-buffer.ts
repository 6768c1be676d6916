/**
 * Buffers whose size follows the batch, kept across batch-size changes.
 *
 * A dataset rarely divides by the batch size: the last batch of every epoch
 * (60,000 at 128 ends with 96) and of every predict() pass (10,000 at 256 ends
 * with 16) is smaller. Allocating at the exact size made every layer allocate
 * fresh zeroed buffers twice per pass (the short batch, then the next full one),
 * and the full batch after it paid the page faults: 0.7-1.7 ms more for the
 * seed CNN's predict() at batch 256, against about 7 ms for a steady batch.
 *
 * Instead a smaller batch gets a view of the buffer it already has, and a later
 * larger one the whole buffer again. Every buffer here is laid out batch-first,
 * so a view of the first `size` elements is exactly a smaller batch's buffer.
 */

import type { DType } from './tensor.js';

type Buffer = Float32Array | Float64Array | Int32Array;

/* The allocation each view handed out was cut from: a view's own length is its batch's size. */
const allocationOf = new WeakMap<Buffer, Buffer>();

/**
 * `current` when it has exactly `size` elements; else a view of the first `size`
 * elements of its allocation when that is large enough and `fits` accepts it
 * (the element type the caller needs); else a new buffer from `allocate`.
 * Contents are not cleared: callers overwrite what they use.
 */
export function batchBuffer<T extends Buffer>(current: T | undefined, size: number, allocate: (size: number) => T, fits: (buffer: Buffer) => boolean = () => true): T {
  if (current && current.length === size && fits(current)) return current;
  const allocation = current ? (allocationOf.get(current) ?? current) : undefined;
  if (!allocation || allocation.length < size || !fits(allocation)) return allocate(size);
  const view = allocation.subarray(0, size) as T;
  allocationOf.set(view, allocation);
  return view;
}

/** batchBuffer's `fits` for float buffers: the element type of a model's dtype. */
export function holdsDType(dtype: DType): (buffer: Buffer) => boolean {
  return (buffer) => (dtype === 'float64') === buffer instanceof Float64Array;
}
