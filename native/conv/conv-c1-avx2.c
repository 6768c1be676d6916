/*
 * AVX2+FMA kernels of the single-channel direct convolution (conv-c1.c).
 * A pixel's input values are x(i, t) = base[i*ps + off[t]], t < taps (C == 1,
 * so one float per tap); w and dy/y rows are OC floats, OC a multiple of 8.
 * Tiles are 3 pixels (or 3 taps) x 32 channels: 12 ymm accumulators plus 3
 * broadcasts, the other FMA operand straight from L1, so each tap issues 12
 * independent FMAs (enough to cover FMA latency on two pipes).
 * Also used by the AVX-512 path (every AVX-512 CPU runs AVX2).
 */
#include "conv/conv-c1.h"
#include "runtime/isa-target.h"

#if CK_X86
#include <immintrin.h>


/* y[i, oc..oc+8*V) = sum_t x(i, t) * w[t, ...] for P pixels; P, V compile-time after inlining. */
CK_TARGET_AVX2 __attribute__((always_inline)) static inline void fwd_tile(int P, int V, const float *base, long ps, const long *off,
                                                                  int taps, const float *w, long OC, float *y) {
  __m256 acc[3][4];
  for (int p = 0; p < 3; p++)
    for (int v = 0; v < 4; v++) acc[p][v] = _mm256_setzero_ps();
  for (int t = 0; t < taps; t++, w += OC) {
    const float *xt = base + off[t];
    __m256 xb[3];
    for (int p = 0; p < P; p++) xb[p] = _mm256_broadcast_ss(xt + p * ps);
    for (int v = 0; v < V; v++) {
      __m256 wv = _mm256_loadu_ps(w + 8 * v);
      for (int p = 0; p < P; p++) acc[p][v] = _mm256_fmadd_ps(xb[p], wv, acc[p][v]);
    }
  }
  for (int p = 0; p < P; p++)
    for (int v = 0; v < V; v++) _mm256_storeu_ps(y + p * OC + 8 * v, acc[p][v]);
}

CK_TARGET_AVX2 static void fwd_avx2(int np, const float *base, long ps, const long *off, int taps,
                           const float *w, long OC, float *y) {
  for (long oc = 0; oc < OC;) {
    int V = OC - oc >= 32 ? 4 : 1;
    int i = 0;
    if (V == 4) {
      for (; i + 3 <= np; i += 3) fwd_tile(3, 4, base + i * ps, ps, off, taps, w + oc, OC, y + i * OC + oc);
      for (; i < np; i++) fwd_tile(1, 4, base + i * ps, ps, off, taps, w + oc, OC, y + i * OC + oc);
    } else {
      for (; i + 3 <= np; i += 3) fwd_tile(3, 1, base + i * ps, ps, off, taps, w + oc, OC, y + i * OC + oc);
      for (; i < np; i++) fwd_tile(1, 1, base + i * ps, ps, off, taps, w + oc, OC, y + i * OC + oc);
    }
    oc += 8 * V;
  }
}

/* acc[t0+r, oc..] += sum_i x(i, t0+r) * dy[i, oc..] for R taps, 8*V channels. */
CK_TARGET_AVX2 __attribute__((always_inline)) static inline void wgrad_tile(int R, int V, int np, const float *base, long ps, const long *off,
                                                                    const float *dy, long OC, float *acc_out) {
  __m256 acc[3][4];
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) acc[r][v] = _mm256_loadu_ps(acc_out + r * OC + 8 * v);
  for (int i = 0; i < np; i++, base += ps, dy += OC) {
    __m256 xb[3];
    for (int r = 0; r < R; r++) xb[r] = _mm256_broadcast_ss(base + off[r]);
    for (int v = 0; v < V; v++) {
      __m256 d = _mm256_loadu_ps(dy + 8 * v);
      for (int r = 0; r < R; r++) acc[r][v] = _mm256_fmadd_ps(xb[r], d, acc[r][v]);
    }
  }
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) _mm256_storeu_ps(acc_out + r * OC + 8 * v, acc[r][v]);
}

CK_TARGET_AVX2 static void wgrad_avx2(int np, const float *base, long ps, const long *off, int taps,
                             const float *dy, long OC, float *acc) {
  for (int t = 0; t < taps;) {
    int R = taps - t >= 3 ? 3 : 1;
    float *out = acc + (long)t * OC;
    for (long oc = 0; oc < OC;) {
      int V = OC - oc >= 32 ? 4 : 1;
      if (R == 3 && V == 4) wgrad_tile(3, 4, np, base, ps, off + t, dy + oc, OC, out + oc);
      else if (R == 3) wgrad_tile(3, 1, np, base, ps, off + t, dy + oc, OC, out + oc);
      else if (V == 4) wgrad_tile(1, 4, np, base, ps, off + t, dy + oc, OC, out + oc);
      else wgrad_tile(1, 1, np, base, ps, off + t, dy + oc, OC, out + oc);
      oc += 8 * V;
    }
    t += R;
  }
}
/* OC a multiple of 8: whole vectors (ck_conv_c1_applies checks). */
const ck_conv_c1_kernels ck_conv_c1_avx2 = {fwd_avx2, wgrad_avx2, 8};
#endif
