/**
 * Checks done in JS before any pointer reaches C: the native kernels take only
 * Float32Array, and every buffer must hold at least the elements its geometry
 * implies, so a wrong shape becomes a readable Error instead of a wild read.
 */
import type { FloatArray } from '../backend.js';

export function f32(kernel: string, name: string, array: FloatArray, need: number, shape: string): Float32Array {
  if (!(array instanceof Float32Array)) {
    const got = array instanceof Float64Array ? 'Float64Array' : describe(array);
    throw new TypeError(
      `native ${kernel}: ${name} must be a Float32Array; received ${got}. The native backend computes in float32 only (supportsFloat64 is false); use the reference backend for float64 work such as gradient checks.`,
    );
  }
  checkLength(kernel, name, array.length, need, shape);
  return array;
}

export function i32(kernel: string, name: string, array: Int32Array, need: number, shape: string): Int32Array {
  if (!(array instanceof Int32Array)) throw new TypeError(`native ${kernel}: ${name} must be an Int32Array; received ${describe(array)}.`);
  checkLength(kernel, name, array.length, need, shape);
  return array;
}

function checkLength(kernel: string, name: string, length: number, need: number, shape: string): void {
  if (length < need) {
    throw new RangeError(`native ${kernel}: ${name} needs at least ${need} elements (${shape}); received ${length}.`);
  }
}

export function size(kernel: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`native ${kernel}: ${name} must be a non-negative integer; received ${String(value)}.`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
