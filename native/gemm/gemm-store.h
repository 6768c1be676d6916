/* Shared tail of the portable microkernels: write the valid m x n part of a tile. */
#ifndef CONVKIT_GEMM_STORE_H
#define CONVKIT_GEMM_STORE_H
static inline void ck_store_tile(const float *tile, int ldt, float *c, long ldc, int m, int n, int accumulate) {
  for (int i = 0; i < m; i++) {
    float *row = c + i * ldc;
    const float *t = tile + i * ldt;
    if (accumulate)
      for (int j = 0; j < n; j++) row[j] += t[j];
    else
      for (int j = 0; j < n; j++) row[j] = t[j];
  }
}
#endif
