/* Function table of the vectorised memory-bound loops (simd-loops.h), one copy per ISA (simd-loops.c). */
#ifndef CONVKIT_SIMD_LOOPS_TABLE_H
#define CONVKIT_SIMD_LOOPS_TABLE_H
#include "convkit.h"

typedef struct ck_simd_loops {
  void (*bias_relu)(float *y, const float *bias, long rows, long cols, int relu);
  void (*relu_backprop)(const float *y, const float *dy, float *dx, long n);
  void (*col_sums)(const float *dy, float *out, long rows, long cols);
  void (*pool_max_step)(const float *x, float *best, int32_t *arg, int32_t index, long C);
  void (*pool_max_2x2)(const float *x, long row, long index_row, float *best, int32_t *arg, int32_t index, long C);
  int (*pool_unpool_2x2)(const float *dy, const int32_t *arg, float *dx, long row, int32_t index, long C);
  void (*adam)(float *p, const float *g, float *m, float *v, long n, float alpha, float b1, float b2, float eps);
  void (*sgd)(float *p, const float *g, float *vel, long n, float lr, float mom, int nesterov);
  void (*rmsprop)(float *p, const float *g, float *s, long n, float lr, float rho, float eps);
  void (*bn_moment_sums)(const float *x, const float *shift, long rows, long cols, float *s, float *q);
  void (*bn_grad_sums)(const float *x, const float *dy, const float *relu, const float *mean, long rows, long cols,
                       float *sg, float *sgx);
  void (*channel_affine)(const float *x, float *y, const float *scale, const float *shift, long rows, long cols, int relu);
  /* k = [a | b | d | mean] per column: dx = a*g + b*(x - mean) + d. */
  void (*bn_dx)(const float *x, const float *dy, const float *relu, float *dx, const float *k, long rows, long cols);
} ck_simd_loops;

extern const ck_simd_loops ck_simd_loops_portable;
#if CK_X86
extern const ck_simd_loops ck_simd_loops_avx2;
extern const ck_simd_loops ck_simd_loops_avx512;
#endif

/* The copy of the current ISA path. */
static inline const ck_simd_loops *ck_loops(void) { return ck_isa()->loops; }
#endif
