/**
 * Shape arithmetic for convolution and pooling, computed once here so that
 * every backend receives the same plain integers (Keras / TF semantics).
 * N batch, H/W height/width, C channels, OC output channels.
 */
import type { Conv2DInfo, Pool2DInfo } from '../backend/backend.js';

export type Padding = 'valid' | 'same';

export interface WindowGeometry {
  outSize: number;
  padBefore: number;
  padAfter: number;
}

/**
 * Output size and padding of one spatial axis, as TensorFlow computes them:
 * 'valid' = floor((in - k) / s) + 1, no padding;
 * 'same'  = ceil(in / s), total padding split with the odd pixel at the end.
 */
export function windowGeometry(inSize: number, kernel: number, stride: number, padding: Padding): WindowGeometry {
  if (padding === 'valid') {
    const outSize = inSize >= kernel ? Math.floor((inSize - kernel) / stride) + 1 : 0;
    return { outSize, padBefore: 0, padAfter: 0 };
  }
  const outSize = Math.ceil(inSize / stride);
  const total = Math.max((outSize - 1) * stride + kernel - inSize, 0);
  const padBefore = Math.floor(total / 2);
  return { outSize, padBefore, padAfter: total - padBefore };
}

export function conv2dInfo(
  batch: number, inHeight: number, inWidth: number, inChannels: number,
  outChannels: number, kernelHeight: number, kernelWidth: number,
  strideHeight: number, strideWidth: number, padding: Padding,
): Conv2DInfo {
  const rows = windowGeometry(inHeight, kernelHeight, strideHeight, padding);
  const cols = windowGeometry(inWidth, kernelWidth, strideWidth, padding);
  return {
    batch, inHeight, inWidth, inChannels,
    outHeight: rows.outSize, outWidth: cols.outSize, outChannels,
    kernelHeight, kernelWidth, strideHeight, strideWidth,
    padTop: rows.padBefore, padLeft: cols.padBefore,
  };
}

export function pool2dInfo(
  batch: number, inHeight: number, inWidth: number, channels: number,
  poolHeight: number, poolWidth: number, strideHeight: number, strideWidth: number, padding: Padding,
): Pool2DInfo {
  const rows = windowGeometry(inHeight, poolHeight, strideHeight, padding);
  const cols = windowGeometry(inWidth, poolWidth, strideWidth, padding);
  return {
    batch, inHeight, inWidth, channels,
    outHeight: rows.outSize, outWidth: cols.outSize,
    poolHeight, poolWidth, strideHeight, strideWidth,
    padTop: rows.padBefore, padLeft: cols.padBefore,
  };
}
