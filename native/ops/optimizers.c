/*
 * Optimizer steps (Keras 3 formulas, see backend.ts), float arithmetic in the
 * vectorised loops of simd-loops.h; large parameter tensors are split across
 * threads by index range (element-wise, so the split never changes a result).
 */
#include "ops/simd-loops-table.h"

#define PARALLEL_MIN 32768 /* elements per task */

typedef struct {
  int kind, nesterov;
  float *p, *m, *v;
  const float *g;
  long n;
  float a, b, c, d;
} opt_job;

static void opt_range(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const opt_job *j = ctx;
  const ck_simd_loops *L = ck_loops();
  long len = hi - lo;
  switch (j->kind) {
  case 0: L->adam(j->p + lo, j->g + lo, j->m + lo, j->v + lo, len, j->a, j->b, j->c, j->d); break;
  case 1: L->sgd(j->p + lo, j->g + lo, j->m ? j->m + lo : 0, len, j->a, j->b, j->nesterov); break;
  default: L->rmsprop(j->p + lo, j->g + lo, j->m + lo, len, j->a, j->b, j->c); break;
  }
}

static void run(opt_job *j) { ck_pool_for(j->n, ck_pool_tasks((double)j->n, PARALLEL_MIN), 16, opt_range, j); }

void ck_adam(float *param, const float *grad, float *m, float *v, long n,
             float alpha, float beta1, float beta2, float eps) {
  opt_job j = {.kind = 0, .p = param, .g = grad, .m = m, .v = v, .n = n, .a = alpha, .b = beta1, .c = beta2, .d = eps};
  run(&j);
}

void ck_sgd(float *param, const float *grad, float *velocity, long n, float lr, float momentum, int nesterov) {
  opt_job j = {.kind = 1, .p = param, .g = grad, .m = velocity, .n = n, .a = lr, .b = momentum, .nesterov = nesterov};
  run(&j);
}

void ck_rmsprop(float *param, const float *grad, float *ms, long n, float lr, float rho, float eps) {
  opt_job j = {.kind = 2, .p = param, .g = grad, .m = ms, .n = n, .a = lr, .b = rho, .c = eps};
  run(&j);
}
