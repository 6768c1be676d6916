/*
 * Single-channel direct convolution (C == 1): forward and filter gradient.
 * Work is walked one output row (n, oh) at a time. A row whose windows all lie
 * inside the image with stride-1-or-more columns is read straight from x
 * (pixel stride strideW, tap offsets kh*W + kw); any other row (padding) is
 * first copied into a small zero-padded patch [OW][taps] and read from there.
 * Either way the kernels see x(i, t) = base[i*ps + off[t]].
 * Every output pixel (forward) and every chunk partial (filter gradient) is
 * summed in an order fixed by the shape, so results do not depend on threads.
 */
#include "conv/conv-c1.h"

#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot patches_scratch; /* one output row's input patches */

#define MAX_TAPS 64

static void fwd_portable(int np, const float *base, long ps, const long *off, int taps,
                        const float *w, long OC, float *y) {
  for (int i = 0; i < np; i++, base += ps, y += OC) {
    for (long oc = 0; oc < OC; oc++) y[oc] = 0.0f;
    for (int t = 0; t < taps; t++) {
      float xv = base[off[t]];
      const float *wt = w + (long)t * OC;
      for (long oc = 0; oc < OC; oc++) y[oc] += xv * wt[oc];
    }
  }
}

static void wgrad_portable(int np, const float *base, long ps, const long *off, int taps,
                          const float *dy, long OC, float *acc) {
  for (int i = 0; i < np; i++, base += ps, dy += OC)
    for (int t = 0; t < taps; t++) {
      float xv = base[off[t]];
      float *a = acc + (long)t * OC;
      for (long oc = 0; oc < OC; oc++) a[oc] += xv * dy[oc];
    }
}

const ck_conv_c1_kernels ck_conv_c1_portable = {fwd_portable, wgrad_portable, 1};

int ck_conv_c1_applies(const ck_conv_info *g) {
  if (g->inC != 1 || g->kH * g->kW > MAX_TAPS || g->outW > (1L << 20)) return 0;
  return g->outC % ck_isa()->conv_c1->oc_multiple == 0;
}

/* Where output row `row` (= n*OH + oh) reads its taps: sets base, ps, off. */
typedef struct {
  const float *base;
  long ps;
  long off[MAX_TAPS];
} row_view;

static void view_row(const float *x, const ck_conv_info *g, long row, float *patch, const long *direct_off, row_view *v) {
  const long taps = g->kH * g->kW, n = row / g->outH, oh = row % g->outH;
  const long ih0 = oh * g->strideH - g->padTop, last_iw = (g->outW - 1) * g->strideW + g->kW - 1 - g->padLeft;
  const float *xn = x + n * g->inH * g->inW;
  if (ih0 >= 0 && ih0 + g->kH <= g->inH && g->padLeft == 0 && last_iw < g->inW) {
    v->base = xn + ih0 * g->inW;
    v->ps = g->strideW;
    memcpy(v->off, direct_off, (size_t)taps * sizeof(long));
    return;
  }
  for (long ow = 0; ow < g->outW; ow++) {
    float *p = patch + ow * taps;
    long iw0 = ow * g->strideW - g->padLeft;
    for (long kh = 0; kh < g->kH; kh++) {
      long ih = ih0 + kh;
      for (long kw = 0; kw < g->kW; kw++) {
        long iw = iw0 + kw;
        *p++ = ih >= 0 && ih < g->inH && iw >= 0 && iw < g->inW ? xn[ih * g->inW + iw] : 0.0f;
      }
    }
  }
  v->base = patch;
  v->ps = taps;
  for (long t = 0; t < taps; t++) v->off[t] = t;
}

static void direct_offsets(const ck_conv_info *g, long *off) {
  for (long kh = 0, t = 0; kh < g->kH; kh++)
    for (long kw = 0; kw < g->kW; kw++, t++) off[t] = kh * g->inW + kw;
}

typedef struct {
  const ck_conv_info *g;
  const float *x, *w, *bias;
  float *y;
  int act;
  ck_c1_fwd_fn kernel;
} fwd_job;

/* Output rows (n, oh) in [lo, hi). */
static void forward_rows(void *ctx, long lo, long hi, int thread) {
  const fwd_job *j = ctx;
  const ck_conv_info *g = j->g;
  const long taps = g->kH * g->kW, OC = g->outC;
  long off[MAX_TAPS];
  float *patch = ck_scratch(thread, &patches_scratch, (size_t)(g->outW * taps));
  if (!patch) return;
  direct_offsets(g, off);
  row_view v;
  for (long row = lo; row < hi; row++) {
    view_row(j->x, g, row, patch, off, &v);
    float *y = j->y + row * g->outW * OC;
    j->kernel((int)g->outW, v.base, v.ps, v.off, (int)taps, j->w, OC, y);
    if (j->act >= 0) ck_bias_act_rows(y, j->bias, g->outW, OC, j->act);
  }
}

void ck_conv_c1_forward(const float *x, const float *w, float *y, const ck_conv_info *g, const float *bias, int act) {
  fwd_job j = {g, x, w, bias, y, act, ck_isa()->conv_c1->fwd};
  double flops = 2.0 * g->batch * g->outH * g->outW * g->kH * g->kW * g->outC;
  ck_pool_for(g->batch * g->outH, ck_pool_tasks(flops, 1e6), 1, forward_rows, &j);
}

void ck_conv_c1_filter_chunk(const float *x, const float *dy, const ck_conv_info *g, long rows_per_chunk,
                             long chunk, int thread, float *out) {
  const long taps = g->kH * g->kW, OC = g->outC, rows = g->batch * g->outH;
  long lo = chunk * rows_per_chunk, hi = lo + rows_per_chunk < rows ? lo + rows_per_chunk : rows, off[MAX_TAPS];
  memset(out, 0, (size_t)(taps * OC) * sizeof(float));
  float *patch = ck_scratch(thread, &patches_scratch, (size_t)(g->outW * taps));
  if (!patch) return;
  direct_offsets(g, off);
  ck_c1_wgrad_fn kernel = ck_isa()->conv_c1->wgrad;
  row_view v;
  for (long row = lo; row < hi; row++) {
    view_row(x, g, row, patch, off, &v);
    kernel((int)g->outW, v.base, v.ps, v.off, (int)taps, dy + row * g->outW * OC, OC, out);
  }
}
