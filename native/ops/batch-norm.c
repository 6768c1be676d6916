/*
 * BatchNormalization over x[rows, cols] (rows = N*H*W, cols = C): the batch
 * moments, the per-channel affine map (+ relu) the forward reduces to, and the
 * backward (reference: src/backend/reference/batch-norm.ts). The passes are
 * the vectorised loops of simd-loops.h. Column sums run over fixed row chunks
 * that do not depend on the thread count; inside a chunk, blocks of BLOCK rows
 * are summed in float and added into double, and the chunks' double sums are
 * added in chunk order, so results are bit-identical for any thread count.
 */
#include "ops/simd-loops-table.h"

#include <string.h>

/* Grow-only scratch of this file (runtime/scratch.c). */
static ck_scratch_slot partials_scratch;     /* per chunk: two double sums per column */
static ck_scratch_slot block_scratch;        /* per thread: two float block sums per column */
static ck_scratch_slot coefficients_scratch; /* dx = a*g + b*(x - mean) + d: [a | b | d | mean] */

#define ROWS_PER_CHUNK 256
#define MAX_CHUNKS 64
#define BLOCK 16 /* rows summed in float before the double sum takes them */
#define PARALLEL_MIN 32768

typedef struct {
  const float *x, *dy, *relu, *stats, *scale, *shift, *coef;
  float *y, *dx;
  double *partials; /* [nchunks][2][cols] */
  long rows, cols, chunk, nchunks;
  int activation, grad; /* grad: the backward's sums, else the moments */
} bn_job;

static void chunking(bn_job *j) {
  long chunks = (j->rows + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
  if (chunks > MAX_CHUNKS) chunks = MAX_CHUNKS;
  if (chunks < 1) chunks = 1;
  j->chunk = (j->rows + chunks - 1) / chunks;
  if (j->chunk < 1) j->chunk = 1;
  j->nchunks = (j->rows + j->chunk - 1) / j->chunk;
  if (j->nchunks < 1) j->nchunks = 1;
}

/*
 * One chunk's two column sums in double: the moments' sums of (x - x[0]) and
 * its square (shifted by the first row, so data far from 0 keeps its digits),
 * or the backward's sums of g and g*(x - mean).
 */
static void sums_task(void *ctx, int task, int thread) {
  const bn_job *j = ctx;
  const ck_simd_loops *loops = ck_loops();
  const long cols = j->cols, lo = task * j->chunk, hi = lo + j->chunk < j->rows ? lo + j->chunk : j->rows;
  double *s = j->partials + (long)task * 2 * cols, *q = s + cols;
  float *fs = ck_scratch(thread, &block_scratch, (size_t)(2 * cols)), *fq = fs ? fs + cols : NULL;
  memset(s, 0, (size_t)(2 * cols) * sizeof(double));
  if (!fs) return;
  for (long r = lo; r < hi; r += BLOCK) {
    const long n = hi - r < BLOCK ? hi - r : BLOCK;
    memset(fs, 0, (size_t)(2 * cols) * sizeof(float));
    if (j->grad)
      loops->bn_grad_sums(j->x + r * cols, j->dy + r * cols, j->relu ? j->relu + r * cols : NULL, j->stats, n, cols, fs, fq);
    else
      loops->bn_moment_sums(j->x + r * cols, j->x, n, cols, fs, fq);
    for (long c = 0; c < cols; c++) {
      s[c] += fs[c];
      q[c] += fq[c];
    }
  }
}

static int run_sums(bn_job *j) {
  chunking(j);
  /* Doubles in a float scratch: two floats each, 64-byte aligned. */
  j->partials = (double *)ck_scratch(0, &partials_scratch, (size_t)(j->nchunks * 2 * j->cols) * 2);
  if (!j->partials) return 0;
  if (j->rows * j->cols < PARALLEL_MIN) {
    for (int t = 0; t < j->nchunks; t++) sums_task(j, t, 0);
  } else {
    ck_pool_run((int)j->nchunks, sums_task, j);
  }
  /* Chunk 0 += chunks 1.. in chunk order. */
  for (long t = 1; t < j->nchunks; t++)
    for (long c = 0; c < 2 * j->cols; c++) j->partials[c] += j->partials[t * 2 * j->cols + c];
  return 1;
}

void ck_batch_norm_moments(const float *x, float *moments, long rows, long cols) {
  bn_job j = {.x = x, .rows = rows, .cols = cols};
  if (!run_sums(&j)) return;
  for (long c = 0; c < cols; c++) {
    double mean = j.partials[c] / rows, square = j.partials[cols + c] / rows;
    double variance = square - mean * mean;
    moments[c] = (float)(mean + x[c]);
    moments[cols + c] = (float)(variance > 0 ? variance : 0);
  }
}

static void affine_rows(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const bn_job *j = ctx;
  ck_loops()->channel_affine(j->x + lo * j->cols, j->y + lo * j->cols, j->scale, j->shift, hi - lo, j->cols,
                             j->activation == CK_ACT_RELU);
}

void ck_channel_affine(const float *x, float *y, const float *scale, const float *shift, long rows, long cols,
                       int activation) {
  bn_job j = {.x = x, .y = y, .scale = scale, .shift = shift, .rows = rows, .cols = cols, .activation = activation};
  ck_pool_for(rows, ck_pool_tasks((double)rows * cols, PARALLEL_MIN), 1, affine_rows, &j);
}

static void backprop_dx_rows(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const bn_job *j = ctx;
  const long cols = j->cols;
  ck_loops()->bn_dx(j->x + lo * cols, j->dy + lo * cols, j->relu ? j->relu + lo * cols : NULL, j->dx + lo * cols,
                    j->coef, hi - lo, cols);
}

void ck_batch_norm_backprop(const float *x, const float *dy, float *dx, const float *stats, float *grads,
                            const float *relu, long rows, long cols) {
  bn_job j = {.x = x, .dy = dy, .dx = dx, .stats = stats, .relu = relu, .rows = rows, .cols = cols, .grad = 1};
  if (!run_sums(&j)) return;
  float *coef = ck_scratch(0, &coefficients_scratch, (size_t)(4 * cols));
  if (!coef) return;
  const float *mean = stats, *inv_std = stats + cols, *gamma = stats + 2 * cols;
  for (long c = 0; c < cols; c++) {
    double dbeta = j.partials[c], dgamma = j.partials[cols + c] * inv_std[c];
    grads[c] = (float)dgamma;
    grads[cols + c] = (float)dbeta;
    /* dx = gamma*invStd*(g - (dbeta + xhat*dgamma)/rows), xhat = (x - mean)*invStd, as a*g + b*(x - mean) + d:
       centring x first keeps the digits of data far from 0 (test: batch-norm-and-average-pool-kernels). */
    double a = (double)gamma[c] * inv_std[c], b = -a * dgamma * inv_std[c] / rows;
    coef[c] = (float)a;
    coef[cols + c] = (float)b;
    coef[2 * cols + c] = (float)(-a * dbeta / rows);
    coef[3 * cols + c] = mean[c];
  }
  j.coef = coef;
  ck_pool_for(rows, ck_pool_tasks((double)rows * cols, PARALLEL_MIN), 1, backprop_dx_rows, &j);
}
