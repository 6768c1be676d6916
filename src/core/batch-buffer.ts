/**
 * Buffers whose size follows the batch, kept across batch-size changes.
 *
 * A dataset rarely divides by the batch size: the last batch of every epoch
 * (60,000 at 128 ends with 96) and of every predict() pass (10,000 at 256 ends
 * with 16) is smaller. Allocating at the exact size made every layer allocate
 * fresh zeroed buffers twice per pass (the short batch, then the next full one),
 * and the full batch after it paid the page faults again. The inference phase
 * of `npm run bench` (bench/phases/train-epoch.ts: 10,000 images at batch 256,
 * several passes) includes that cost in every pass; test/core/batch-buffer.test.ts
 * checks that the views are reused.
 *
 * Instead a smaller batch gets a view of the buffer it already has, and a later
 * larger one the whole buffer again. Every buffer here is laid out batch-first,
 * so a view of the first `size` elements is exactly a smaller batch's buffer.
 */

type Buffer = Float32Array | Float64Array | Int32Array;
type BufferType = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor;

/* The allocation each view handed out was cut from: a view's own length is its batch's size. */
const allocationOf = new WeakMap<Buffer, Buffer>();

/**
 * `current` when it is a `type` of exactly `size` elements; else a view of the
 * first `size` elements of its allocation when that is large enough; else a new
 * buffer from `allocate` (which returns a `type`). Contents are not cleared:
 * callers overwrite what they use. Runs on every layer call, so the fast path
 * takes no closures of its own.
 */
export function batchBuffer<T extends Buffer>(current: Buffer | undefined, size: number, type: BufferType, allocate: (size: number) => T): T {
  if (current instanceof type) {
    if (current.length === size) return current as T;
    const allocation = allocationOf.get(current) ?? current;
    if (allocation.length >= size) {
      const view = allocation.subarray(0, size) as T;
      allocationOf.set(view, allocation);
      return view;
    }
  }
  return allocate(size);
}
