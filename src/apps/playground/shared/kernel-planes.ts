/**
 * A Conv2D kernel [kh, kw, cin, cout] (as a ModelView carries it) as one
 * kh x kw plane per output filter. With one input channel a plane is the
 * filter itself; with several it is the mean over the input channels, as
 * `convkit inspect` draws them (src/apps/inspect/filters.ts), which keeps the
 * numbers in weight units so one colour scale serves the whole layer.
 */
import { ShapeError } from '../../../core/errors.js';

export interface KernelPlanes { kh: number; kw: number; averaged: boolean; planes: Float32Array[] }

export function kernelPlanes(shape: readonly number[], data: ArrayLike<number>): KernelPlanes {
  if (shape.length !== 4) throw new ShapeError(`kernelPlanes expects a kernel shape [kh, kw, cin, cout]; received [${shape.join(', ')}].`);
  const [kh, kw, cin, cout] = shape;
  if (data.length !== kh * kw * cin * cout) {
    throw new ShapeError(`kernelPlanes: shape [${shape.join(', ')}] needs ${kh * kw * cin * cout} values; received ${data.length}.`);
  }
  const planes = Array.from({ length: cout }, () => new Float32Array(kh * kw));
  for (let p = 0; p < kh * kw; p++) {
    for (let c = 0; c < cin; c++) {
      const row = (p * cin + c) * cout;
      for (let f = 0; f < cout; f++) planes[f][p] += data[row + f] / cin;
    }
  }
  return { kh, kw, averaged: cin > 1, planes };
}
