/*
 * AVX-512F microkernel, 12x32: 24 zmm accumulators + 2 B vectors; A values are
 * broadcast straight from memory into the FMA. 24 independent FMAs per depth
 * step cover the FMA latency on two 512-bit pipes. Edges of C use lane masks,
 * so partial tiles need no scalar tail.
 */
#include "convkit.h"

#if CK_X86
#include <immintrin.h>

#define MR 12
#define NR 32
#define TARGET __attribute__((target("avx512f,avx2,fma")))

TARGET static void kernel_avx512(int kc, const float *a, const float *b, float *c, long ldc,
                                 int m, int n, int accumulate) {
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int p = 0; p < kc; p++) {
    __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 12
    for (int i = 0; i < MR; i++) {
      __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += MR;
    b += NR;
  }
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

const ck_gemm_isa ck_gemm_avx512 = {CK_ISA_AVX512, "avx512", MR, NR, 256, 144, 1024, kernel_avx512};
#endif
