/*
 * AVX-512F microkernels, 12x32: 24 zmm accumulators + 2 B vectors; A values are
 * broadcast straight from memory into the FMA. 24 independent FMAs per depth
 * step cover the FMA latency on two 512-bit pipes. Edges of C use lane masks,
 * so partial tiles need no scalar tail.
 */
#include "convkit.h"
#include "runtime/isa-target.h"

#if CK_X86
#include <immintrin.h>

#define MR 12
#define NR 32

#define FMA_ROWS(A)                                                   \
  _Pragma("GCC unroll 12") for (int i = 0; i < MR; i++) {             \
    __m512 ai = _mm512_set1_ps(*(A(i)));                              \
    acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);                   \
    acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);                   \
  }

#define ZERO_ACC                                                        \
  __m512 acc[MR][2];                                                    \
  _Pragma("GCC unroll 12") for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps()

CK_TARGET_AVX512 __attribute__((always_inline)) static inline void store_tile(__m512 acc[MR][2], float *c, long ldc, int m, int n, int accumulate) {
  __mmask16 k0 = n >= 16 ? 0xFFFF : (__mmask16)((1u << n) - 1);
  __mmask16 k1 = n >= 32 ? 0xFFFF : (n <= 16 ? 0 : (__mmask16)((1u << (n - 16)) - 1));
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) {
    if (i >= m) break;
    float *row = c + i * ldc;
    __m512 v0 = acc[i][0], v1 = acc[i][1];
    if (accumulate) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(k0, row));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(k1, row + 16));
    }
    _mm512_mask_storeu_ps(row, k0, v0);
    _mm512_mask_storeu_ps(row + 16, k1, v1);
  }
}

CK_TARGET_AVX512 static void kernel_avx512(int kc, const float *a, const float *b, float *c, long ldc,
                                 int m, int n, int accumulate) {
  ZERO_ACC;
  for (int p = 0; p < kc; p++, a += MR, b += NR) {
    __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#define A_PACKED(i) (a + (i))
    FMA_ROWS(A_PACKED)
  }
  store_tile(acc, c, ldc, m, n, accumulate);
}

CK_TARGET_AVX512 static void conv_fwd_avx512(int taps, int C, const float *const *rows, const float *b,
                                   float *c, long ldc, int m, int n, int accumulate) {
  ZERO_ACC;
  for (int t = 0; t < taps; t++, rows += MR) {
    const float *rp[MR];
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) rp[i] = rows[i];
    for (int ch = 0; ch < C; ch++, b += NR) {
      __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#define A_ROWS(i) (rp[i] + ch)
      FMA_ROWS(A_ROWS)
    }
  }
  store_tile(acc, c, ldc, m, n, accumulate);
}

CK_TARGET_AVX512 static void conv_wgrad_avx512(int kc, const float *const *ptrs, long pstride, int c0, int per_tap_rows,
                                     const float *b, long ldb, float *c, long ldc, int m, int n, int accumulate) {
  ZERO_ACC;
  if (per_tap_rows) {
    int idx[MR];
    for (int i = 0; i < MR; i++) idx[i] = i < m ? i : 0;
    for (int q = 0; q < kc; q++, ptrs += pstride, b += ldb) {
      __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#define A_TAPS(i) (ptrs[idx[i]] + c0)
      FMA_ROWS(A_TAPS)
    }
  } else if (m == MR) {
    for (int q = 0; q < kc; q++, ptrs += pstride, b += ldb) {
      __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
      const float *p = ptrs[0] + c0;
#define A_CHANNELS(i) (p + (i))
      FMA_ROWS(A_CHANNELS)
    }
  } else {
    int off[MR];
    for (int i = 0; i < MR; i++) off[i] = c0 + (i < m ? i : 0);
    for (int q = 0; q < kc; q++, ptrs += pstride, b += ldb) {
      __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
      const float *p = ptrs[0];
#define A_CLAMPED(i) (p + off[i])
      FMA_ROWS(A_CLAMPED)
    }
  }
  store_tile(acc, c, ldc, m, n, accumulate);
}

const ck_gemm_isa ck_gemm_avx512 = {MR, NR, 256, 144, 1024,
                                    kernel_avx512, conv_fwd_avx512, conv_wgrad_avx512, NULL, NULL, NULL,
                                    ck_pack_rmajor_panel_avx2};
#endif
