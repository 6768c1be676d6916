/*
 * The batch gather of training: row i of dst = row rows[i] of src. fit() copies
 * each step's shuffled samples into one contiguous batch; in JavaScript that was
 * 0.19-0.2 ms per batch-128 step of the lab CNN (128 random 3 KB rows of a
 * 188 MB training set, mostly from DRAM), while the kernels' worker thread
 * waited; here both threads copy, 0.115-0.13 ms. Software prefetch of the rows
 * ahead measured no better (the copies wait on DRAM and page walks either way).
 * Only moves data: the result is the same whatever the thread count.
 */
#include "convkit.h"

#include <string.h>

typedef struct {
  const float *src;
  const int32_t *rows;
  float *dst;
  long len;
} gather_job;

static void gather_range(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const gather_job *j = ctx;
  const long bytes = j->len * (long)sizeof(float);
  for (long i = lo; i < hi; i++) memcpy(j->dst + i * j->len, j->src + (long)j->rows[i] * j->len, (size_t)bytes);
}

long ck_gather_rows(const float *src, long src_rows, long len, const int32_t *rows, long count, float *dst) {
  /* Every index first: a bad one leaves dst untouched. */
  for (long i = 0; i < count; i++)
    if (rows[i] < 0 || rows[i] >= src_rows) return i;
  if (len == 0 || count == 0) return -1;
  gather_job j = {.src = src, .rows = rows, .dst = dst, .len = len};
  ck_pool_for(count, ck_pool_tasks((double)len * count, 16384), 1, gather_range, &j);
  return -1;
}
