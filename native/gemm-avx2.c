/*
 * AVX2+FMA microkernel, 6x16: 12 ymm accumulators + 2 B vectors + 1 broadcast
 * of the 16 registers. Each depth step issues 12 FMAs against 2 loads and 6
 * broadcasts, enough independent FMAs to cover the 4-5 cycle FMA latency on
 * two pipes. Compiled with a function target attribute, never -march, so the
 * addon still loads on CPUs without AVX2 (cpu-dispatch.c never calls it there).
 */
#include "convkit.h"

#if CK_X86
#include <immintrin.h>

#define MR 6
#define NR 16
#define TARGET __attribute__((target("avx2,fma")))

TARGET static void kernel_avx2(int kc, const float *a, const float *b, float *c, long ldc,
                               int m, int n, int accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int p = 0; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 ai;
    ai = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(ai, b0, c00); c01 = _mm256_fmadd_ps(ai, b1, c01);
    ai = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(ai, b0, c10); c11 = _mm256_fmadd_ps(ai, b1, c11);
    ai = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(ai, b0, c20); c21 = _mm256_fmadd_ps(ai, b1, c21);
    ai = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(ai, b0, c30); c31 = _mm256_fmadd_ps(ai, b1, c31);
    ai = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(ai, b0, c40); c41 = _mm256_fmadd_ps(ai, b1, c41);
    ai = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(ai, b0, c50); c51 = _mm256_fmadd_ps(ai, b1, c51);
    a += MR;
    b += NR;
  }
  __m256 r[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (n == NR) {
    for (int i = 0; i < m; i++) {
      float *row = c + i * ldc;
      if (accumulate) {
        r[i][0] = _mm256_add_ps(r[i][0], _mm256_loadu_ps(row));
        r[i][1] = _mm256_add_ps(r[i][1], _mm256_loadu_ps(row + 8));
      }
      _mm256_storeu_ps(row, r[i][0]);
      _mm256_storeu_ps(row + 8, r[i][1]);
    }
    return;
  }
  /* Right edge of C: go through a small buffer so we never touch past column n. */
  float tile[MR][NR];
  for (int i = 0; i < m; i++) {
    _mm256_storeu_ps(tile[i], r[i][0]);
    _mm256_storeu_ps(tile[i] + 8, r[i][1]);
    float *row = c + i * ldc;
    if (accumulate)
      for (int j = 0; j < n; j++) row[j] += tile[i][j];
    else
      for (int j = 0; j < n; j++) row[j] = tile[i][j];
  }
}

const ck_gemm_isa ck_gemm_avx2 = {CK_ISA_AVX2, "avx2", MR, NR, 256, 120, 1024, kernel_avx2};
#endif
