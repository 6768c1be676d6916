/*
 * Average pooling over NHWC and its backward. Only a window's cells inside the
 * input count (TF 'same' semantics; the reference: src/backend/reference/
 * average-pooling.ts). Channels are innermost, so each window cell adds one
 * contiguous vector of C floats. The forward splits output rows over threads;
 * the backward splits images, since neighbouring windows may overlap.
 */
#include "convkit.h"

#include <string.h>

typedef struct {
  const ck_pool_info *g;
  const float *x, *dy;
  float *y, *dx;
  int parts;
} avg_job;

/* The window of output (oh, ow) clipped to the input: rows [*h0, *h1), columns [*w0, *w1). */
static void clip(const ck_pool_info *g, long oh, long ow, long *h0, long *h1, long *w0, long *w1) {
  long ih = oh * g->strideH - g->padTop, iw = ow * g->strideW - g->padLeft;
  *h0 = ih < 0 ? 0 : ih;
  *h1 = ih + g->poolH < g->inH ? ih + g->poolH : g->inH;
  *w0 = iw < 0 ? 0 : iw;
  *w1 = iw + g->poolW < g->inW ? iw + g->poolW : g->inW;
}

/* Output rows (n, oh) in [lo, hi). */
static void avg_rows(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const avg_job *j = ctx;
  const ck_pool_info *g = j->g;
  const long C = g->C;
  for (long row = lo; row < hi; row++) {
    long n = row / g->outH, oh = row % g->outH;
    for (long ow = 0; ow < g->outW; ow++) {
      float *out = j->y + ((n * g->outH + oh) * g->outW + ow) * C;
      long h0, h1, w0, w1;
      clip(g, oh, ow, &h0, &h1, &w0, &w1);
      memset(out, 0, (size_t)C * sizeof(float));
      if (h0 >= h1 || w0 >= w1) continue; /* a window entirely in padding averages nothing: 0 */
      for (long ih = h0; ih < h1; ih++)
        for (long iw = w0; iw < w1; iw++) {
          const float *in = j->x + ((n * g->inH + ih) * g->inW + iw) * C;
          for (long c = 0; c < C; c++) out[c] += in[c];
        }
      const float inv = 1.0f / (float)((h1 - h0) * (w1 - w0));
      for (long c = 0; c < C; c++) out[c] *= inv;
    }
  }
}

void ck_avg_pool(const float *x, float *y, const ck_pool_info *g) {
  avg_job j = {.g = g, .x = x, .y = y};
  double work = (double)g->batch * g->outH * g->outW * g->C * g->poolH * g->poolW;
  ck_pool_for(g->batch * g->outH, ck_pool_tasks(work, 32768), 1, avg_rows, &j);
}

/* Images [lo, hi): dx = 0, then each dy spread over its clipped window. */
static void avg_backprop_images(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const avg_job *j = ctx;
  const ck_pool_info *g = j->g;
  const long C = g->C, image = g->inH * g->inW * C;
  memset(j->dx + lo * image, 0, (size_t)((hi - lo) * image) * sizeof(float));
  for (long n = lo; n < hi; n++)
    for (long oh = 0; oh < g->outH; oh++)
      for (long ow = 0; ow < g->outW; ow++) {
        const float *d = j->dy + ((n * g->outH + oh) * g->outW + ow) * C;
        long h0, h1, w0, w1;
        clip(g, oh, ow, &h0, &h1, &w0, &w1);
        if (h0 >= h1 || w0 >= w1) continue;
        const float inv = 1.0f / (float)((h1 - h0) * (w1 - w0));
        for (long ih = h0; ih < h1; ih++)
          for (long iw = w0; iw < w1; iw++) {
            float *dst = j->dx + ((n * g->inH + ih) * g->inW + iw) * C;
            for (long c = 0; c < C; c++) dst[c] += d[c] * inv;
          }
      }
}

void ck_avg_pool_backprop(const float *dy, float *dx, const ck_pool_info *g) {
  avg_job j = {.g = g, .dy = dy, .dx = dx};
  double work = (double)g->batch * g->inH * g->inW * g->C;
  ck_pool_for(g->batch, ck_pool_tasks(work, 32768), 1, avg_backprop_images, &j);
}
