/*
 * Portable microkernel: plain C the compiler can vectorise for whatever the
 * baseline target is (SSE2 on x86-64, NEON on arm64). 4x16 keeps 64 floats
 * of accumulators, which fits 16 SSE/NEON registers.
 */
#include "convkit.h"

#define MR 4
#define NR 16

static void kernel_portable(int kc, const float *a, const float *b, float *c, long ldc,
                            int m, int n, int accumulate) {
  float acc[MR][NR] = {{0}};
  for (int p = 0; p < kc; p++) {
    for (int i = 0; i < MR; i++) {
      float ai = a[i];
      for (int j = 0; j < NR; j++) acc[i][j] += ai * b[j];
    }
    a += MR;
    b += NR;
  }
  for (int i = 0; i < m; i++) {
    float *row = c + i * ldc;
    if (accumulate)
      for (int j = 0; j < n; j++) row[j] += acc[i][j];
    else
      for (int j = 0; j < n; j++) row[j] = acc[i][j];
  }
}

const ck_gemm_isa ck_gemm_portable = {CK_ISA_PORTABLE, "portable", MR, NR, 256, 128, 1024, kernel_portable};
