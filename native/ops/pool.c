/*
 * Max pooling over NHWC with argmax (flat index into x), and its scatter
 * backward. Channels are innermost, so each window element is one contiguous
 * vector compare over C (simd-loops.h). Threads split output rows / images.
 */
#include "ops/simd-loops-table.h"

#include <math.h>
#include <string.h>

typedef struct {
  const ck_pool_info *g;
  const float *x, *dy;
  float *y, *dx;
  int32_t *argmax;
  const int32_t *arg_in;
  int parts;
  long bad[CK_MAX_TASKS]; /* first out-of-image argmax output index + 1, per task */
} pool_job;

/* Output rows (n, oh) in [lo, hi). */
static void pool_rows(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  pool_job *j = ctx;
  const ck_pool_info *g = j->g;
  const ck_simd_loops *loops = ck_loops();
  const long C = g->C;
  for (long row = lo; row < hi; row++) {
    long n = row / g->outH, oh = row % g->outH;
    for (long ow = 0; ow < g->outW; ow++) {
      long out = ((n * g->outH + oh) * g->outW + ow) * C;
      float *best = j->y + out;
      int32_t *arg = j->argmax ? j->argmax + out : NULL;
      long ih0 = oh * g->strideH - g->padTop, iw0 = ow * g->strideW - g->padLeft;
      if (g->poolH == 2 && g->poolW == 2 && ih0 >= 0 && iw0 >= 0 && ih0 + 2 <= g->inH && iw0 + 2 <= g->inW) {
        long index = ((n * g->inH + ih0) * g->inW + iw0) * C;
        loops->pool_max_2x2(j->x + index, g->inW * C, g->inW * C, best, arg, (int32_t)index, C);
        continue;
      }
      int first = 1;
      /* Only the window's rows and columns inside the input, in the same order: a window far
         larger than the image (a hostile geometry the check lets through: its padding is still
         smaller than the window) costs the image, not the window (fuzz: native-geometry). */
      const long ph_lo = ih0 < 0 ? -ih0 : 0, ph_hi = g->poolH < g->inH - ih0 ? g->poolH : g->inH - ih0;
      const long pw_lo = iw0 < 0 ? -iw0 : 0, pw_hi = g->poolW < g->inW - iw0 ? g->poolW : g->inW - iw0;
      for (long ph = ph_lo; ph < ph_hi; ph++) {
        long ih = ih0 + ph;
        for (long pw = pw_lo; pw < pw_hi; pw++) {
          long iw = iw0 + pw;
          long index = ((n * g->inH + ih) * g->inW + iw) * C;
          if (first) {
            /* The first real element always wins, even NaN (as the reference does). */
            memcpy(best, j->x + index, (size_t)C * sizeof(float));
            if (arg)
              for (long c = 0; c < C; c++) arg[c] = (int32_t)(index + c);
            first = 0;
          } else {
            loops->pool_max_step(j->x + index, best, arg, (int32_t)index, C);
          }
        }
      }
      if (first) { /* window entirely in padding */
        for (long c = 0; c < C; c++) best[c] = -INFINITY;
        if (arg)
          for (long c = 0; c < C; c++) arg[c] = -1;
      }
    }
  }
}

void ck_max_pool(const float *x, float *y, int32_t *argmax, const ck_pool_info *g) {
  pool_job j = {.g = g, .x = x, .y = y, .argmax = argmax};
  double work = (double)g->batch * g->outH * g->outW * g->C * g->poolH * g->poolW;
  j.parts = ck_pool_tasks(work, 32768);
  ck_pool_for(g->batch * g->outH, j.parts, 1, pool_rows, &j);
}

/*
 * Fast path for non-overlapping 2x2 windows (the lab CNN): every dx element is
 * written once (winner or zero) instead of a memset plus a scatter. Returns 0
 * when it does not apply or some argmax lies outside its window; the caller
 * then redoes the image with the general scatter.
 */
static int unpool_2x2(const pool_job *j, long n) {
  const ck_pool_info *g = j->g;
  if (g->poolH != 2 || g->poolW != 2 || g->strideH != 2 || g->strideW != 2 || g->padTop || g->padLeft ||
      2 * g->outH > g->inH || 2 * g->outW > g->inW)
    return 0;
  const ck_simd_loops *loops = ck_loops();
  const long C = g->C, W = g->inW, row = W * C, image = g->inH * row, outs = g->outH * g->outW * C;
  const int32_t *arg = j->arg_in + n * outs;
  const float *dy = j->dy + n * outs;
  float *dx = j->dx + n * image;
  int inside = 1;
  for (long oh = 0; oh < g->outH; oh++) {
    for (long ow = 0; ow < g->outW; ow++, arg += C, dy += C) {
      long local = (2 * oh * W + 2 * ow) * C;
      inside &= loops->pool_unpool_2x2(dy, arg, dx + local, row, (int32_t)(n * image + local), C);
    }
    /* An odd last column is in no window. */
    for (long iw = 2 * g->outW; iw < W; iw++) {
      memset(dx + (2 * oh * W + iw) * C, 0, (size_t)C * sizeof(float));
      memset(dx + ((2 * oh + 1) * W + iw) * C, 0, (size_t)C * sizeof(float));
    }
  }
  /* Odd last rows are in no window. */
  memset(dx + 2 * g->outH * row, 0, (size_t)(g->inH - 2 * g->outH) * row * sizeof(float));
  return inside;
}

static void pool_backprop_task(void *ctx, int task, int thread) {
  (void)thread;
  pool_job *j = ctx;
  const ck_pool_info *g = j->g;
  long lo, hi;
  ck_split(g->batch, j->parts, task, 1, &lo, &hi);
  long image = g->inH * g->inW * g->C, outs = g->outH * g->outW * g->C;
  if (lo >= hi) return;
  for (long n = lo; n < hi; n++) {
    const int32_t *arg = j->arg_in + n * outs;
    const float *dy = j->dy + n * outs;
    float *dx = j->dx + n * image;
    long base = n * image;
    if (unpool_2x2(j, n)) continue;
    memset(dx, 0, (size_t)image * sizeof(float));
    for (long i = 0; i < outs; i++) {
      /* Each image's winners lie inside that image; anything else is a corrupt
         argmax, which must not become an out-of-bounds or cross-thread write. */
      unsigned long local = (unsigned long)((long)arg[i] - base);
      if (local >= (unsigned long)image) {
        if (!j->bad[task]) j->bad[task] = n * outs + i + 1;
        continue;
      }
      dx[local] += dy[i];
    }
  }
}

/* Returns -1 when fine, else the index of the first bad argmax entry. */
long ck_max_pool_backprop_checked(const float *dy, const int32_t *argmax, float *dx, const ck_pool_info *g) {
  pool_job j = {.g = g, .dy = dy, .arg_in = argmax, .dx = dx};
  j.parts = ck_pool_tasks((double)g->batch * g->inH * g->inW * g->C, 32768);
  if (j.parts > g->batch) j.parts = g->batch > 0 ? (int)g->batch : 1;
  ck_pool_run(j.parts, pool_backprop_task, &j);
  for (int t = 0; t < j.parts; t++)
    if (j.bad[t]) return j.bad[t] - 1;
  return -1;
}

void ck_max_pool_backprop(const float *dy, const int32_t *argmax, float *dx, const ck_pool_info *g) {
  (void)ck_max_pool_backprop_checked(dy, argmax, dx, g);
}
