/**
 * A minimal tensor: a flat typed array plus its shape (row-major, NHWC for
 * images). convkit keeps no graph and needs no dispose(): a Tensor is plain data.
 */
import type { FloatArray } from '../backend/backend.js';
import { ShapeError } from './errors.js';

export type DType = 'float32' | 'float64';

export class Tensor<T extends FloatArray = FloatArray> {
  readonly data: T;
  readonly shape: readonly number[];

  constructor(data: T, shape: readonly number[]) {
    const expected = shapeSize(shape);
    if (data.length !== expected) {
      throw new ShapeError(
        `Tensor data length does not match its shape: shape [${shape.join(', ')}] needs ${expected} values; received ${data.length}.`,
      );
    }
    this.data = data;
    this.shape = [...shape];
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Rows of a flat [N, ...] tensor, copied out. */
  slice(start: number, end: number): Tensor<T> {
    const rowSize = shapeSize(this.shape.slice(1));
    const data = this.data.slice(start * rowSize, end * rowSize) as T;
    return new Tensor(data, [end - start, ...this.shape.slice(1)]);
  }

  /** Nested arrays, handy for printing small results. */
  toArray(): unknown {
    const build = (offset: number, dim: number): unknown => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = shapeSize(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(offset + i * stride, dim + 1));
    };
    return build(0, 0);
  }
}

export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Keras-style shape text with an unknown batch: (None, 26, 26, 32). */
export function formatShape(shape: readonly number[]): string {
  return `(None, ${shape.join(', ')})`;
}

export function tensor(data: FloatArray | number[], shape: readonly number[]): Tensor {
  const values = Array.isArray(data) ? Float32Array.from(data) : data;
  return new Tensor(values, shape);
}

export function allocate(dtype: DType, size: number): FloatArray {
  return new (arrayType(dtype))(size);
}

/** The typed-array class that holds a dtype's values. */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === 'float64' ? Float64Array : Float32Array;
}
