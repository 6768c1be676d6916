/**
 * A Conv2D layer's kernels as one small plane per output filter. The kernel is
 * stored [kh, kw, inChannels, filters]; with one input channel each plane is
 * the filter itself. With several (every conv after the first), a filter is a
 * kh x kw x C block that has no single picture: the plane is its mean over the
 * input channels. Tiles are normalised one by one, so the sum over channels
 * would draw the same picture; the mean keeps the numbers in weight units.
 */
import type { Conv2D } from '../../layers/conv2d.js';
import { ShapeError } from '../../core/errors.js';

export interface FilterPlanes {
  kernelHeight: number;
  kernelWidth: number;
  inputChannels: number;
  /** One kh * kw plane per output filter, row-major. */
  planes: Float64Array[];
  /** True when the planes are means over more than one input channel. */
  averaged: boolean;
}

export function filterPlanes(layer: Conv2D): FilterPlanes {
  const kernel = layer.weights().find((w) => w.name.endsWith('/kernel'));
  if (!kernel || kernel.shape.length !== 4) throw new ShapeError(`${layer.name}: expected a kernel of shape [kh, kw, in, filters].`);
  const [kh, kw, channels, filters] = kernel.shape;
  const planes = Array.from({ length: filters }, () => new Float64Array(kh * kw));
  for (let p = 0; p < kh * kw; p++) {
    for (let c = 0; c < channels; c++) {
      const row = (p * channels + c) * filters;
      for (let f = 0; f < filters; f++) planes[f][p] += kernel.value[row + f];
    }
  }
  if (channels > 1) for (const plane of planes) for (let p = 0; p < plane.length; p++) plane[p] /= channels;
  return { kernelHeight: kh, kernelWidth: kw, inputChannels: channels, planes, averaged: channels > 1 };
}
