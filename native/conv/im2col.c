/*
 * GEMM packers that read convolution windows straight from NHWC input, so the
 * im2col matrix col[P, KC] (P = N*OH*OW positions, KC = KH*KW*C) is never
 * materialised: each packed block is built where the GEMM needs it, in cache.
 * col[p, (kh*KW + kw)*C + c] = x[n, oh*sh + kh - padTop, ow*sw + kw - padLeft, c],
 * zero where the window hangs over the padding.
 */
#include "conv/im2col.h"

#include <string.h>

/* Rows = positions, depth = (kh, kw, c): packs A of the forward convolution. */
void ck_pack_im2col(const void *src, long r0, int rows, long k0, int kc, int R, float *dst) {
  const ck_im2col *s = src;
  const ck_conv_info *g = s->g;
  const long C = g->inC, KW = g->kW, H = g->inH, W = g->inW, plane = g->outH * g->outW;
  for (int r = 0; r < rows; r += R) {
    int w = rows - r < R ? rows - r : R;
    for (int i = 0; i < w; i++) {
      long pos = s->pos0 + r0 + r + i, n = pos / plane, rem = pos % plane;
      long ih0 = (rem / g->outW) * g->strideH - g->padTop;
      long iw0 = (rem % g->outW) * g->strideW - g->padLeft;
      const float *xn = s->x + n * H * W * C;
      long kh = k0 / (KW * C), t = k0 % (KW * C), kw = t / C, c = t % C;
      for (int kk = 0; kk < kc;) {
        int run = (int)(C - c < kc - kk ? C - c : kc - kk);
        long ih = ih0 + kh, iw = iw0 + kw;
        float *d = dst + (long)kk * R + i;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
          const float *x = xn + (ih * W + iw) * C + c;
          for (int q = 0; q < run; q++) d[(long)q * R] = x[q];
        } else {
          for (int q = 0; q < run; q++) d[(long)q * R] = 0.0f;
        }
        kk += run;
        c = 0;
        if (++kw == KW) { kw = 0; kh++; }
      }
    }
    for (int kk = 0; kk < kc && w < R; kk++)
      for (int i = w; i < R; i++) dst[(long)kk * R + i] = 0.0f;
    dst += (long)kc * R;
  }
}

/* Rows = (kh, kw, c), depth = positions: packs A = col^T of the filter gradient. */
void ck_pack_im2col_t(const void *src, long r0, int rows, long k0, int kc, int R, float *dst) {
  const ck_im2col *s = src;
  const ck_conv_info *g = s->g;
  const long C = g->inC, KW = g->kW, H = g->inH, W = g->inW, OW = g->outW, plane = g->outH * OW;
  /* A panel's R rows are a few runs of consecutive channels at fixed (kh, kw). */
  long seg_kh[64], seg_kw[64], seg_c[64];
  int seg_len[64], seg_off[64];
  for (int r = 0; r < rows; r += R) {
    int w = rows - r < R ? rows - r : R, nseg = 0;
    for (int i = 0; i < w;) {
      long k = r0 + r + i, kh = k / (KW * C), t = k % (KW * C), kw = t / C, c = t % C;
      int len = (int)(C - c < w - i ? C - c : w - i);
      seg_kh[nseg] = kh; seg_kw[nseg] = kw; seg_c[nseg] = c;
      seg_len[nseg] = len; seg_off[nseg] = i;
      nseg++;
      i += len;
    }
    long p0 = s->pos0 + k0, n = p0 / plane, rem = p0 % plane, oh = rem / OW, ow = rem % OW;
    float *d = dst;
    for (int kk = 0; kk < kc; kk++, d += R) {
      const float *xn = s->x + n * H * W * C;
      long ih0 = oh * g->strideH - g->padTop, iw0 = ow * g->strideW - g->padLeft;
      for (int sg = 0; sg < nseg; sg++) {
        long ih = ih0 + seg_kh[sg], iw = iw0 + seg_kw[sg];
        float *out = d + seg_off[sg];
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
          const float *x = xn + (ih * W + iw) * C + seg_c[sg];
          for (int q = 0; q < seg_len[sg]; q++) out[q] = x[q];
        } else {
          for (int q = 0; q < seg_len[sg]; q++) out[q] = 0.0f;
        }
      }
      for (int i = w; i < R; i++) d[i] = 0.0f;
      if (++ow == OW) { ow = 0; if (++oh == g->outH) { oh = 0; n++; } }
    }
    dst += (long)kc * R;
  }
}
