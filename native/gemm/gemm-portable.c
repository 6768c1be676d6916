/*
 * Portable microkernels: plain C the compiler can vectorise for whatever the
 * baseline target is (SSE2 on x86-64, NEON on arm64). 4x16 keeps 64 floats
 * of accumulators, which fits 16 SSE/NEON registers.
 */
#include "convkit.h"
#include "gemm/gemm-store.h"

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
  ck_store_tile(&acc[0][0], NR, c, ldc, m, n, accumulate);
}

static void conv_fwd_portable(int taps, int C, const float *const *rows, const float *b,
                              float *c, long ldc, int m, int n, int accumulate) {
  float acc[MR][NR] = {{0}};
  for (int t = 0; t < taps; t++, rows += MR) {
    for (int ch = 0; ch < C; ch++, b += NR) {
      for (int i = 0; i < MR; i++) {
        float ai = rows[i][ch];
        for (int j = 0; j < NR; j++) acc[i][j] += ai * b[j];
      }
    }
  }
  ck_store_tile(&acc[0][0], NR, c, ldc, m, n, accumulate);
}

static void conv_fwd_add_portable(int taps, int C, const float *const *rows, const float *b,
                                  float *const *crows, int n) {
  float acc[MR][NR];
  conv_fwd_portable(taps, C, rows, b, &acc[0][0], NR, MR, NR, 0);
  for (int i = 0; i < MR; i++)
    if (crows[i])
      for (int j = 0; j < n; j++) crows[i][j] += acc[i][j];
}

static void conv_wgrad_portable(int kc, const float *const *ptrs, long pstride, int c0, int per_tap_rows,
                                const float *b, long ldb, float *c, long ldc, int m, int n, int accumulate) {
  float acc[MR][NR] = {{0}};
  for (int q = 0; q < kc; q++, ptrs += pstride, b += ldb) {
    float a[MR];
    for (int i = 0; i < MR; i++)
      a[i] = i >= m ? 0.0f : per_tap_rows ? ptrs[i][c0] : ptrs[0][c0 + i];
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++) acc[i][j] += a[i] * b[j];
  }
  ck_store_tile(&acc[0][0], NR, c, ldc, m, n, accumulate);
}

static void conv_wgrad_rows_portable(int kc, const float *const *corners, const int *row_off, const float *b, long ldb,
                                     float *c, long ldc, int m, int n, int accumulate) {
  float acc[MR][NR] = {{0}};
  for (int q = 0; q < kc; q++, b += ldb) {
    const float *p = corners[q];
    for (int i = 0; i < MR; i++) {
      float ai = p[row_off[i]];
      for (int j = 0; j < NR; j++) acc[i][j] += ai * b[j];
    }
  }
  ck_store_tile(&acc[0][0], NR, c, ldc, m, n, accumulate);
}

const ck_gemm_isa ck_gemm_portable = {MR, NR, 256, 128, 1024,
                                      kernel_portable, conv_fwd_portable, conv_wgrad_portable,
                                      conv_fwd_add_portable, conv_wgrad_rows_portable, NULL,
                                      ck_pack_rmajor_panel_portable};
