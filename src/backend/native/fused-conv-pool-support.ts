/**
 * Which fused conv + relu + 2x2 max-pool kernels the native addon runs for a
 * geometry, and why not where it runs none: the same conditions the C code
 * checks before it fuses (native/conv-pool.h ck_pool_2x2_after,
 * conv-pool.c ck_conv_relu_pool_applies, winograd.c winograd_shape,
 * conv-pool-sparse-backward.c ck_pool_conv_sparse_applies), written once more
 * here so the model's plan can say why a block did not fuse without calling a
 * kernel. test/fused-conv-pool-support.test.ts runs the kernels on a table of
 * geometries and checks that each runs exactly where this says it does.
 *
 * Geometry letters: H, W input, C input channels, OH, OW conv output, OC filters.
 */
import type { Conv2DInfo, FusedConvPoolSupport, KernelSupport, Pool2DInfo } from '../backend.js';

const INT32_MAX = 2147483647;

const none = (reason: string): KernelSupport => ({ kernel: null, reason });

/** Why `pool` is not the 2x2, stride-2, unpadded pool over the whole conv output every fused kernel takes, or null when it is. */
function poolMismatch(conv: Conv2DInfo, pool: Pool2DInfo): string | null {
  if (pool.poolHeight !== 2 || pool.poolWidth !== 2) return `pool is ${pool.poolHeight}x${pool.poolWidth}, fused kernel needs 2x2`;
  if (pool.strideHeight !== 2 || pool.strideWidth !== 2) return `pool stride is ${pool.strideHeight}x${pool.strideWidth}, fused kernel needs 2x2`;
  // 'same' padding on an odd size adds a window past the edge (padTop stays 0; the output grows).
  const padded = pool.outHeight !== Math.floor(pool.inHeight / 2) || pool.outWidth !== Math.floor(pool.inWidth / 2);
  if (pool.padTop !== 0 || pool.padLeft !== 0 || padded) return `pool is padded ('same'), fused kernel needs 'valid'`;
  if (pool.inHeight !== conv.outHeight || pool.inWidth !== conv.outWidth || pool.channels !== conv.outChannels || pool.batch !== conv.batch) {
    return `pool input ${pool.inHeight}x${pool.inWidth}x${pool.channels} is not the conv output ${conv.outHeight}x${conv.outWidth}x${conv.outChannels}`;
  }
  if (conv.batch * conv.outHeight * conv.outWidth * conv.outChannels > INT32_MAX) return 'the conv output has more elements than an int32 argmax can index';
  return null;
}

/** Stride 1, 3x3 (the forward kernels') or any size (the backward's): why not, or null. */
function convStrideMismatch(conv: Conv2DInfo): string | null {
  return conv.strideHeight === 1 && conv.strideWidth === 1 ? null : `conv stride is ${conv.strideHeight}x${conv.strideWidth}, fused kernel needs 1`;
}

function forwardSupport(conv: Conv2DInfo, winograd: boolean): KernelSupport {
  if (conv.kernelHeight !== 3 || conv.kernelWidth !== 3) return none(`conv kernel is ${conv.kernelHeight}x${conv.kernelWidth}, fused forward needs 3x3`);
  const stride = convStrideMismatch(conv);
  if (stride) return none(stride);
  const c = conv.inChannels;
  if (c === 1) {
    const valid = conv.padTop === 0 && conv.padLeft === 0 && conv.outHeight === conv.inHeight - 2 && conv.outWidth === conv.inWidth - 2;
    return valid ? { kernel: 'conv2dReluMaxPool (direct, 1 input channel)' } : none(`conv is padded ('same'), the 1-channel fused forward needs 'valid'`);
  }
  if (c < 4) return none(`conv has ${c} input channels; the fused forward takes 1 (direct) or at least 4 (Winograd)`);
  if (!winograd) return none(`Winograd is off (setWinograd(0)) and the direct fused forward needs 1 input channel; this conv has ${c}`);
  if (conv.outHeight <= 0 || conv.outWidth <= 0 || conv.outChannels <= 0) return none('the conv output is empty');
  return { kernel: 'conv2dReluMaxPool (Winograd, one tile per pool window)' };
}

function backwardSupport(conv: Conv2DInfo): KernelSupport {
  const stride = convStrideMismatch(conv);
  if (stride) return none(stride);
  if (conv.outChannels >= 65536) return none(`conv has ${conv.outChannels} filters; the fused backward counts them in 16 bits (at most 65535)`);
  const padded = (conv.outHeight + conv.kernelHeight) * (conv.outWidth + conv.kernelWidth) * conv.inChannels;
  if (padded >= INT32_MAX || conv.kernelHeight * conv.kernelWidth * conv.inChannels * conv.outChannels >= INT32_MAX) {
    return none('the padded image or the kernel has more elements than int32 offsets reach');
  }
  return { kernel: 'maxPoolConv2dBackprop (argmax-sparse)' };
}

/**
 * The native answer to Backend.convReluMaxPoolSupport. `winograd` is whether
 * the Winograd kernels are on (the backend's winograd setting is not 0): the fused forward
 * of a conv with 4 or more input channels is a Winograd kernel.
 */
export function nativeConvReluMaxPoolSupport(conv: Conv2DInfo, pool: Pool2DInfo, winograd: boolean): FusedConvPoolSupport {
  const mismatch = poolMismatch(conv, pool);
  if (mismatch) return { forward: none(mismatch), backward: none(mismatch) };
  return { forward: forwardSupport(conv, winograd), backward: backwardSupport(conv) };
}
