/*
 * BatchNormalization over x[rows, cols] (rows = N*H*W, cols = C): the batch
 * moments, the per-channel affine map (+ relu) the forward reduces to, and the
 * backward (reference: src/backend/reference/batch-norm.ts). Column sums run
 * in double over fixed row chunks that do not depend on the thread count,
 * added in chunk order, so results are bit-identical for any thread count.
 */
#include "convkit.h"

#include <string.h>

/* Grow-only scratch of this file (runtime/scratch.c): per chunk, two double sums per column. */
static ck_scratch_slot partials_scratch;
static ck_scratch_slot coefficients_scratch;

#define ROWS_PER_CHUNK 256 /* a chunk's sums stay in L1 for C <= 64 while its rows stream past */
#define MAX_CHUNKS 64
#define PARALLEL_MIN 32768

typedef struct {
  const float *x, *dy, *relu, *stats, *scale, *shift;
  float *y, *dx;
  double *partials; /* [nchunks][2][cols] */
  const float *coef; /* dx = a*g + b*(x - mean) + d, per column: [a | b | d] */
  long rows, cols, chunk, nchunks;
  int activation;
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

/* Sums of (x - shift) and its square, shift the first row: exact enough in double for data far from 0. */
static void moments_task(void *ctx, int task, int thread) {
  (void)thread;
  const bn_job *j = ctx;
  const long cols = j->cols, lo = task * j->chunk, hi = lo + j->chunk < j->rows ? lo + j->chunk : j->rows;
  double *s = j->partials + (long)task * 2 * cols, *q = s + cols;
  memset(s, 0, (size_t)(2 * cols) * sizeof(double));
  for (long r = lo; r < hi; r++) {
    const float *row = j->x + r * cols;
    for (long c = 0; c < cols; c++) {
      double v = (double)row[c] - (double)j->x[c];
      s[c] += v;
      q[c] += v * v;
    }
  }
}

static int run_chunks(bn_job *j, ck_task_fn fn) {
  chunking(j);
  /* Doubles in a float scratch: two floats each, 64-byte aligned. */
  j->partials = (double *)ck_scratch(0, &partials_scratch, (size_t)(j->nchunks * 2 * j->cols) * 2);
  if (!j->partials) return 0;
  if (j->rows * j->cols < PARALLEL_MIN) {
    for (int t = 0; t < j->nchunks; t++) fn(j, t, 0);
  } else {
    ck_pool_run((int)j->nchunks, fn, j);
  }
  /* Chunk 0 += chunks 1.. in chunk order. */
  for (long t = 1; t < j->nchunks; t++)
    for (long c = 0; c < 2 * j->cols; c++) j->partials[c] += j->partials[t * 2 * j->cols + c];
  return 1;
}

void ck_batch_norm_moments(const float *x, float *moments, long rows, long cols) {
  bn_job j = {.x = x, .rows = rows, .cols = cols};
  if (!run_chunks(&j, moments_task)) return;
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
  const long cols = j->cols;
  const float *scale = j->scale, *shift = j->shift;
  for (long r = lo; r < hi; r++) {
    const float *in = j->x + r * cols;
    float *out = j->y + r * cols;
    if (j->activation == CK_ACT_RELU) {
      for (long c = 0; c < cols; c++) {
        float v = in[c] * scale[c] + shift[c];
        out[c] = v > 0.0f ? v : 0.0f;
      }
    } else {
      for (long c = 0; c < cols; c++) out[c] = in[c] * scale[c] + shift[c];
    }
  }
}

void ck_channel_affine(const float *x, float *y, const float *scale, const float *shift, long rows, long cols,
                       int activation) {
  bn_job j = {.x = x, .y = y, .scale = scale, .shift = shift, .rows = rows, .cols = cols, .activation = activation};
  ck_pool_for(rows, ck_pool_tasks((double)rows * cols, PARALLEL_MIN), 1, affine_rows, &j);
}

/* Per chunk: sums of g and of g*(x - mean), g = dy masked by relu > 0 when given. */
static void backprop_sums_task(void *ctx, int task, int thread) {
  (void)thread;
  const bn_job *j = ctx;
  const long cols = j->cols, lo = task * j->chunk, hi = lo + j->chunk < j->rows ? lo + j->chunk : j->rows;
  double *sg = j->partials + (long)task * 2 * cols, *sgx = sg + cols;
  const float *mean = j->stats;
  memset(sg, 0, (size_t)(2 * cols) * sizeof(double));
  for (long r = lo; r < hi; r++) {
    const float *x = j->x + r * cols, *dy = j->dy + r * cols, *relu = j->relu ? j->relu + r * cols : NULL;
    for (long c = 0; c < cols; c++) {
      float g = relu && !(relu[c] > 0.0f) ? 0.0f : dy[c];
      sg[c] += g;
      sgx[c] += (double)g * ((double)x[c] - mean[c]);
    }
  }
}

static void backprop_dx_rows(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const bn_job *j = ctx;
  const long cols = j->cols;
  const float *a = j->coef, *b = a + cols, *d = b + cols, *mean = j->stats;
  for (long r = lo; r < hi; r++) {
    const float *x = j->x + r * cols, *dy = j->dy + r * cols, *relu = j->relu ? j->relu + r * cols : NULL;
    float *dx = j->dx + r * cols;
    if (relu) {
      for (long c = 0; c < cols; c++) {
        float g = relu[c] > 0.0f ? dy[c] : 0.0f;
        dx[c] = a[c] * g + b[c] * (x[c] - mean[c]) + d[c];
      }
    } else {
      for (long c = 0; c < cols; c++) dx[c] = a[c] * dy[c] + b[c] * (x[c] - mean[c]) + d[c];
    }
  }
}

void ck_batch_norm_backprop(const float *x, const float *dy, float *dx, const float *stats, float *grads,
                            const float *relu, long rows, long cols) {
  bn_job j = {.x = x, .dy = dy, .dx = dx, .stats = stats, .relu = relu, .rows = rows, .cols = cols};
  if (!run_chunks(&j, backprop_sums_task)) return;
  float *coef = ck_scratch(0, &coefficients_scratch, (size_t)(3 * cols));
  if (!coef) return;
  const float *inv_std = stats + cols, *gamma = stats + 2 * cols;
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
  }
  j.coef = coef;
  ck_pool_for(rows, ck_pool_tasks((double)rows * cols, PARALLEL_MIN), 1, backprop_dx_rows, &j);
}
