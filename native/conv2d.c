/*
 * Convolution as GEMM over implicit im2col (see im2col.c); P = N*OH*OW
 * positions, KC = KH*KW*C. Weights [KH,KW,C,OC] are already a [KC, OC] matrix.
 *   forward:         y[P,OC]    = col[P,KC] . w[KC,OC]     threads split P
 *   backprop input:  dcol[P,KC] = dy[P,OC] . w^T, col2im   threads split images
 *   backprop filter: dw[KC,OC]  = col^T . dy[P,OC]         fixed chunks of P,
 *     partial sums added in chunk order, so the result does not depend on the
 *     thread count.
 * None of these splits K of a GEMM, so every output is bit-identical for any
 * thread count.
 */
#include "im2col.h"

#include <string.h>

typedef struct {
  const ck_gemm_isa *isa;
  const ck_conv_info *g;
  const float *x, *w, *dy;
  float *out;
  int parts;
  long chunk;      /* positions per filter-gradient chunk */
  long nchunks;
  float *partials; /* nchunks x KC x OC */
} conv_job;

static long positions(const ck_conv_info *g) { return g->batch * g->outH * g->outW; }
static long depth(const ck_conv_info *g) { return g->kH * g->kW * g->inC; }

static void forward_task(void *ctx, int task, int thread) {
  const conv_job *j = ctx;
  const ck_conv_info *g = j->g;
  long lo, hi;
  ck_split(positions(g), j->parts, task, j->isa->mr, &lo, &hi);
  if (lo >= hi) return;
  ck_im2col col = {j->x, g, lo};
  ck_plain w = {j->w, g->outC};
  ck_operand A = {ck_pack_im2col, &col}, B = {ck_pack_kmajor, &w};
  ck_gemm_serial(j->isa, thread, hi - lo, g->outC, depth(g), A, B, j->out + lo * g->outC, g->outC, 0);
}

void ck_conv2d(const float *x, const float *w, float *y, const ck_conv_info *g) {
  conv_job j = {.isa = ck_isa(), .g = g, .x = x, .w = w, .out = y};
  double flops = 2.0 * positions(g) * depth(g) * g->outC;
  j.parts = flops < 2e5 ? 1 : ck_pool_threads();
  ck_pool_run(j.parts, forward_task, &j);
}

static void backprop_input_task(void *ctx, int task, int thread) {
  const conv_job *j = ctx;
  const ck_conv_info *g = j->g;
  long lo, hi;
  ck_split(g->batch, j->parts, task, 1, &lo, &hi);
  if (lo >= hi) return;
  long plane = g->outH * g->outW, KC = depth(g), image = g->inH * g->inW * g->inC;
  memset(j->out + lo * image, 0, (size_t)(hi - lo) * image * sizeof(float));
  if (plane == 0 || KC == 0) return;
  /* Enough images per GEMM to fill a few hundred rows, while dcol stays in L2. */
  long group = 256 * 1024 / (long)sizeof(float) / (plane * KC);
  if (group < 1) group = 1;
  float *dcol = ck_scratch(thread, CK_SLOT_COL, (size_t)(group < hi - lo ? group : hi - lo) * plane * KC);
  if (!dcol) return;
  ck_plain w = {j->w, g->outC};
  ck_operand B = {ck_pack_rmajor, &w};
  for (long n = lo; n < hi; n += group) {
    long count = hi - n < group ? hi - n : group;
    ck_plain dy = {j->dy + n * plane * g->outC, g->outC};
    ck_operand A = {ck_pack_rmajor, &dy};
    ck_gemm_serial(j->isa, thread, count * plane, KC, g->outC, A, B, dcol, KC, 0);
    ck_col2im(dcol, j->out, g, n, count);
  }
}

void ck_conv2d_backprop_input(const float *dy, const float *w, float *dx, const ck_conv_info *g) {
  conv_job j = {.isa = ck_isa(), .g = g, .dy = dy, .w = w, .out = dx};
  double flops = 2.0 * positions(g) * depth(g) * g->outC;
  j.parts = flops < 2e5 ? 1 : ck_pool_threads();
  if (j.parts > g->batch) j.parts = (int)(g->batch > 0 ? g->batch : 1);
  ck_pool_run(j.parts, backprop_input_task, &j);
}

static void filter_chunk_task(void *ctx, int task, int thread) {
  const conv_job *j = ctx;
  const ck_conv_info *g = j->g;
  long P = positions(g), KC = depth(g), lo = task * j->chunk;
  long hi = lo + j->chunk < P ? lo + j->chunk : P;
  float *out = j->nchunks == 1 ? j->out : j->partials + task * KC * g->outC;
  ck_im2col col = {j->x, g, lo};
  ck_plain dy = {j->dy + lo * g->outC, g->outC};
  ck_operand A = {ck_pack_im2col_t, &col}, B = {ck_pack_kmajor, &dy};
  ck_gemm_serial(j->isa, thread, KC, g->outC, hi - lo, A, B, out, g->outC, 0);
}

/* dw[i] = sum of chunk partials in chunk order; threads split i, not the sum. */
static void filter_reduce_task(void *ctx, int task, int thread) {
  (void)thread;
  const conv_job *j = ctx;
  long total = depth(j->g) * j->g->outC, lo, hi;
  ck_split(total, j->parts, task, 16, &lo, &hi);
  if (lo >= hi) return;
  memcpy(j->out + lo, j->partials + lo, (size_t)(hi - lo) * sizeof(float));
  for (long c = 1; c < j->nchunks; c++) {
    const float *p = j->partials + c * total;
    for (long i = lo; i < hi; i++) j->out[i] += p[i];
  }
}

void ck_conv2d_backprop_filter(const float *x, const float *dy, float *dw, const ck_conv_info *g) {
  conv_job j = {.isa = ck_isa(), .g = g, .x = x, .dy = dy, .out = dw};
  long P = positions(g), KC = depth(g);
  /* At most 32 chunks of at least 256 positions: a count that depends only on
     the shape keeps results identical for every thread count. */
  j.nchunks = (P + 255) / 256;
  if (j.nchunks > 32) j.nchunks = 32;
  if (j.nchunks < 1) j.nchunks = 1;
  j.chunk = (P + j.nchunks - 1) / j.nchunks;
  j.nchunks = P > 0 ? (P + j.chunk - 1) / j.chunk : 1;
  if (j.nchunks > 1) {
    j.partials = ck_scratch(0, CK_SLOT_PARTIAL, (size_t)j.nchunks * KC * g->outC);
    if (!j.partials) return;
  }
  if (P == 0) {
    memset(dw, 0, (size_t)KC * g->outC * sizeof(float));
    return;
  }
  ck_pool_run((int)j.nchunks, filter_chunk_task, &j);
  if (j.nchunks > 1) {
    j.parts = KC * g->outC < 8192 ? 1 : ck_pool_threads();
    ck_pool_run(j.parts, filter_reduce_task, &j);
  }
}
