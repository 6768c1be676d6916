/*
 * Helpers that several kernels share: adding per-chunk partial sums in chunk
 * order on the pool (so a result does not depend on the thread count), the
 * chunk boundaries of such sums, and transposing a matrix on the pool.
 */
#include "convkit.h"

typedef struct {
  float *partials;
  long nchunks, stride;
} add_job;

static void add_range(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const add_job *j = ctx;
  float *sum = j->partials;
  for (long k = 1; k < j->nchunks; k++) {
    const float *part = j->partials + k * j->stride;
    for (long e = lo; e < hi; e++) sum[e] += part[e];
  }
}

void ck_add_partials(float *partials, long nchunks, long stride) {
  if (nchunks < 2) return;
  add_job j = {.partials = partials, .nchunks = nchunks, .stride = stride};
  ck_pool_for(stride, ck_pool_tasks((double)stride * nchunks, 65536), 16, add_range, &j);
}

void ck_shrinking_chunks(long total, long K, long *start) {
  for (long k = 0; k <= K; k++) start[k] = total * k * (2 * K - k) / (K * K);
}

typedef struct {
  const float *src;
  float *dst;
  long rows, cols;
} transpose_job;

/* A range of dst rows (src columns). */
static void transpose_range(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const transpose_job *j = ctx;
  for (long c = lo; c < hi; c++)
    for (long r = 0; r < j->rows; r++) j->dst[c * j->rows + r] = j->src[r * j->cols + c];
}

void ck_transpose(const float *src, float *dst, long rows, long cols) {
  transpose_job j = {.src = src, .dst = dst, .rows = rows, .cols = cols};
  int parts = ck_pool_tasks((double)rows * cols, 8192);
  if (parts > cols) parts = (int)(cols > 0 ? cols : 1);
  ck_pool_for(cols, parts, 1, transpose_range, &j);
}
