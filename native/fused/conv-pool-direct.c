/*
 * A single-channel 3x3 convolution, bias, relu and 2x2 max pooling in one pass
 * (the lab CNN's first block): each pooled output is computed from its four
 * conv outputs while they are in registers, so the conv output (86 KB per
 * 28x28 image, 11 MB for a batch of 128) is never written or read back.
 * argmax is what ck_max_pool would give on the conv + relu output: the flat
 * index ((n*OH + y)*OW + x)*OC + oc of the first window element, in row-major
 * window order, that is strictly greater than those before it.
 * Threads split pooled rows; every output depends on its own window only.
 */
#include "fused/conv-pool-direct.h"
#include "runtime/isa-target.h"
#include "fused/pool-window.h"
#include "runtime/why-not.h"

#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot candidates_scratch; /* per pooled row: the 9 taps of every window position */
static ck_scratch_slot partial_sums_scratch; /* per chunk: dw and db sums, added in chunk order */

typedef struct {
  const ck_conv_info *c;
  const ck_pool_info *p;
  const float *x, *w, *bias;
  float *y;
  int32_t *argmax;
} cp_job;

typedef struct cpb_job cpb_job;

/*
 * This file's per-ISA rows (ck_isa()->direct): each does the channels it can
 * from 0 and returns the first it did not; the scalar loops do the rest. The
 * portable copy does none.
 */
struct ck_conv_pool_direct_rows {
  long (*pooled_row)(const cp_job *j, long n, long py);
  long (*filter_rows)(cpb_job *j, int task, long n, long py, float *acc, float *cand);
  long candidates; /* floats per pooled column of the `cand` scratch filter_rows needs (0: none) */
};

const char *ck_conv_relu_pool_direct_why_not(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len) {
  /* The conditions every fused kernel shares come first, so that their reasons read the same from every entry. */
  const char *shared = ck_fused_stride_why_not(c, why, len);
  if (!shared) shared = ck_pool_2x2_why_not(c, p, why, len);
  if (!shared) shared = ck_fused_3x3_why_not(c, why, len);
  if (shared) return shared;
  if (c->inC != 1)
    return ck_why_not(why, len, "the direct fused forward needs 1 input channel; this conv has %ld", c->inC);
  if (c->padTop != 0 || c->padLeft != 0 || c->outH != c->inH - 2 || c->outW != c->inW - 2)
    return ck_why_not(why, len, "conv is padded ('same'), the direct fused forward needs 'valid'");
  return NULL;
}

/* One pooled row (n, py), channels [oc0, OC) by the scalar path (any OC). */
static void pooled_row_scalar(const cp_job *j, long n, long py, long oc0) {
  const ck_conv_info *c = j->c;
  const long W = c->inW, OC = c->outC, PW = j->p->outW;
  const float *xn = j->x + n * c->inH * W;
  for (long px = 0; px < PW; px++) {
    long out = ((n * j->p->outH + py) * PW + px) * OC;
    for (long oc = oc0; oc < OC; oc++) {
      float best = 0.0f;
      long best_at = 0;
      for (int q = 0; q < 4; q++) {
        long yy = 2 * py + q / 2, xx = 2 * px + q % 2;
        float z = j->bias ? j->bias[oc] : 0.0f;
        for (int t = 0; t < 9; t++) z += xn[(yy + t / 3) * W + xx + t % 3] * j->w[t * OC + oc];
        float v = z > 0.0f ? z : 0.0f;
        if (q == 0 || v > best) {
          best = v;
          best_at = ck_window_index(c, n, py, px, q) + oc;
        }
      }
      j->y[out + oc] = best;
      if (j->argmax) j->argmax[out + oc] = (int32_t)best_at;
    }
  }
}

#if CK_X86
#include <immintrin.h>

/*
 * One pooled row, 16 channels at a time: the window's 4 conv outputs x 16
 * channels are 8 accumulators; each of the 9 taps loads 2 weight vectors and
 * broadcasts 4 input pixels. Returns the first channel it did not do.
 * The argmax bookkeeping is compiled in only when asked (inference skips it),
 * and keeps the winner's window position as an index offset chosen by blends,
 * added to the window's base index once at the end.
 */
CK_TARGET_AVX2 __attribute__((always_inline)) static inline long pooled_row_avx2_body(const cp_job *j, long n, long py, int with_argmax) {
  const ck_conv_info *c = j->c;
  const long W = c->inW, OC = c->outC, PW = j->p->outW;
  const float *xn = j->x + n * c->inH * W;
  const __m256 zero = _mm256_setzero_ps();
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  /* Offsets of window positions 1..3 from position 0 in the conv output (ck_window_index). */
  __m256i offset[4];
  for (int q = 0; q < 4; q++) offset[q] = _mm256_set1_epi32((int32_t)(ck_window_index(c, 0, 0, 0, q) - ck_window_index(c, 0, 0, 0, 0)));
  long oc0 = 0;
  for (; oc0 + 16 <= OC; oc0 += 16) {
    __m256 b0 = j->bias ? _mm256_loadu_ps(j->bias + oc0) : zero, b1 = j->bias ? _mm256_loadu_ps(j->bias + oc0 + 8) : zero;
    for (long px = 0; px < PW; px++) {
      __m256 acc[4][2];
      for (int q = 0; q < 4; q++) acc[q][0] = b0, acc[q][1] = b1;
      const float *corner = xn + 2 * py * W + 2 * px;
#pragma GCC unroll 9
      for (int t = 0; t < 9; t++) {
        const float *wt = j->w + t * OC + oc0, *xt = corner + (t / 3) * W + t % 3;
        __m256 w0 = _mm256_loadu_ps(wt), w1 = _mm256_loadu_ps(wt + 8);
#pragma GCC unroll 4
        for (int q = 0; q < 4; q++) {
          __m256 xv = _mm256_broadcast_ss(xt + (q / 2) * W + q % 2);
          acc[q][0] = _mm256_fmadd_ps(xv, w0, acc[q][0]);
          acc[q][1] = _mm256_fmadd_ps(xv, w1, acc[q][1]);
        }
      }
      long out = ((n * j->p->outH + py) * PW + px) * OC + oc0;
      const long base0 = ck_window_index(c, n, py, px, 0) + oc0;
      for (int h = 0; h < 2; h++) {
        /* relu as _mm256_max_ps(v, 0), like the separate bias+relu kernel; then the strict-greater window scan. */
        __m256 best = _mm256_max_ps(acc[0][h], zero);
        __m256i at = offset[0];
        for (int q = 1; q < 4; q++) {
          __m256 v = _mm256_max_ps(acc[q][h], zero);
          __m256 greater = _mm256_cmp_ps(v, best, _CMP_GT_OQ);
          best = _mm256_max_ps(best, v); /* = blend(best, v, greater): equal lanes keep the earlier position below */
          if (with_argmax) at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(at), _mm256_castsi256_ps(offset[q]), greater));
        }
        _mm256_storeu_ps(j->y + out + 8 * h, best);
        if (with_argmax)
          _mm256_storeu_si256((__m256i *)(j->argmax + out + 8 * h),
                              _mm256_add_epi32(at, _mm256_add_epi32(_mm256_set1_epi32((int32_t)(base0 + 8 * h)), lane)));
      }
    }
  }
  return oc0;
}

CK_TARGET_AVX2 static long pooled_row_avx2(const cp_job *j, long n, long py) {
  return j->argmax ? pooled_row_avx2_body(j, n, py, 1) : pooled_row_avx2_body(j, n, py, 0);
}
#endif

/* Pooled output rows (n, py) in [lo, hi). */
static void pooled_rows(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const cp_job *j = ctx;
  long (*const pooled_row)(const cp_job *, long, long) = ck_isa()->direct->pooled_row;
  for (long row = lo; row < hi; row++) {
    long n = row / j->p->outH, py = row % j->p->outH, done = pooled_row(j, n, py);
    if (done < j->c->outC) pooled_row_scalar(j, n, py, done);
  }
}

int ck_conv_relu_pool_direct(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                             const ck_conv_info *c, const ck_pool_info *p) {
  cp_job j = {.c = c, .p = p, .x = x, .w = w, .bias = bias, .y = y, .argmax = argmax};
  double flops = 2.0 * c->batch * c->outH * c->outW * c->outC * 9;
  ck_pool_for(c->batch * p->outH, ck_pool_tasks(flops, 1e6), 1, pooled_rows, &j);
  return 1;
}

/*
 * The backward of the same block for the first layer (no input gradient): the
 * filter gradient straight from the pooled gradient g (masked by relu' on the
 * pooled output, here or before) and the argmax, without the conv-sized dz that
 * ck_max_pool_backprop would write and ck_conv2d_backprop_filter read back:
 *   dw[t][oc] = sum over pooled o of g[o][oc] * x[window pixel argmax(o, oc) + tap t].
 * Each pooled output and channel takes the 9 products of its argmax pixel
 * only (a quarter of the dense gradient's), with no memory traffic beyond x,
 * g and argmax.
 * Images are cut into a shape-only number of chunks summed separately and
 * added in chunk order, so the result does not depend on the thread count.
 * The chunks are equal: with 16 of them the caller waited 1.2-1.6% of this
 * kernel's time at batch 128, and 5.2-7.2% with ck_shrinking_chunks, whose
 * first chunks are then twice the size (conv2's 8 chunks gain from it).
 */
#define FILTER_CHUNKS 16

struct cpb_job {
  const ck_conv_info *c;
  const ck_pool_info *p;
  const float *x, *g;
  const float *pooled; /* when not NULL, g is masked here by relu'(pooled) = (pooled > 0) */
  const int32_t *argmax;
  float *partials; /* nchunks x 10 x OC: the 9 taps' sums, then the bias gradient's */
  long nchunks, chunk;
  long unmatched[FILTER_CHUNKS]; /* 1 + first pooled index whose argmax is not in its window, per chunk */
};

static void filter_rows_scalar(cpb_job *j, int task, long n, long py, long oc0, float *acc) {
  const ck_conv_info *c = j->c;
  const long W = c->inW, OC = c->outC, PW = j->p->outW;
  const float *xn = j->x + n * c->inH * W;
  for (long px = 0; px < PW; px++) {
    long out = ((n * j->p->outH + py) * PW + px) * OC;
    for (long oc = oc0; oc < OC; oc++) {
      float g = j->pooled && !(j->pooled[out + oc] > 0.0f) ? 0.0f : j->g[out + oc];
      int32_t a = j->argmax[out + oc];
      acc[9 * OC + oc] += g;
      int matched = 0;
      for (int q = 0; q < 4; q++) {
        long yy = 2 * py + q / 2, xx = 2 * px + q % 2;
        if (a != (int32_t)(ck_window_index(c, n, py, px, q) + oc)) continue;
        matched = 1;
        for (int t = 0; t < 9; t++) acc[t * OC + oc] += g * xn[(yy + t / 3) * W + xx + t % 3];
      }
      if (!matched && !j->unmatched[task]) j->unmatched[task] = out + oc + 1;
    }
  }
}

#if CK_X86
/*
 * 8 channels at a time, 9 tap accumulators: each channel takes only its own
 * argmax pixel's 9 products. For every window of the row, cand[t] holds the 4
 * input values that tap t meets from the 4 window pixels (a 2x2 block of the
 * window's 4x4 patch, read once per row for all channel groups); a permute by
 * each lane's argmax position picks its value. 9 multiply-adds per window and
 * channel instead of 4 x 9 with 3 of 4 masked out. cand holds PW x 9 x 4
 * floats. Returns the first channel not done.
 */
CK_TARGET_AVX2 static long filter_rows_avx2(cpb_job *j, int task, long n, long py, float *acc, float *cand) {
  const ck_conv_info *c = j->c;
  const long W = c->inW, OC = c->outC, PW = j->p->outW;
  const float *xn = j->x + n * c->inH * W;
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i offset[4];
  for (int q = 0; q < 4; q++) offset[q] = _mm256_set1_epi32((int32_t)(ck_window_index(c, 0, 0, 0, q) - ck_window_index(c, 0, 0, 0, 0)));
  for (long px = 0; px < PW; px++) {
    const float *corner = xn + 2 * py * W + 2 * px;
    for (int t = 0; t < 9; t++) {
      const float *p = corner + (t / 3) * W + t % 3;
      /* Two floats at 4-byte alignment: _mm_loadl_epi64 reads them unaligned (a double load would not be aligned). */
      const __m128 top = _mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)p));
      _mm_storeu_ps(cand + (px * 9 + t) * 4, _mm_loadh_pi(top, (const __m64 *)(p + W)));
    }
  }
  long oc0 = 0;
  for (; oc0 + 8 <= OC; oc0 += 8) {
    __m256 sum[10]; /* the 9 taps, then the bias */
    for (int t = 0; t < 10; t++) sum[t] = _mm256_loadu_ps(acc + t * OC + oc0);
    for (long px = 0; px < PW; px++) {
      long out = ((n * j->p->outH + py) * PW + px) * OC + oc0;
      __m256 g = _mm256_loadu_ps(j->g + out);
      if (j->pooled) g = _mm256_and_ps(g, _mm256_cmp_ps(_mm256_loadu_ps(j->pooled + out), _mm256_setzero_ps(), _CMP_GT_OQ));
      sum[9] = _mm256_add_ps(sum[9], g);
      const __m256i a = _mm256_loadu_si256((const __m256i *)(j->argmax + out));
      const __m256i at0 = _mm256_add_epi32(_mm256_set1_epi32((int32_t)(ck_window_index(c, n, py, px, 0) + oc0)), lane);
      __m256i matched = _mm256_setzero_si256(), qv = _mm256_setzero_si256();
#pragma GCC unroll 4
      for (int q = 0; q < 4; q++) {
        const __m256i hit = _mm256_cmpeq_epi32(a, _mm256_add_epi32(at0, offset[q]));
        matched = _mm256_or_si256(matched, hit);
        qv = _mm256_or_si256(qv, _mm256_and_si256(hit, _mm256_set1_epi32(q)));
      }
      /* A channel whose argmax is in none of the four adds nothing (reported below). */
      const __m256 gm = _mm256_and_ps(g, _mm256_castsi256_ps(matched));
      const float *cp = cand + px * 36;
#pragma GCC unroll 9
      for (int t = 0; t < 9; t++)
        sum[t] = _mm256_fmadd_ps(gm, _mm256_permutevar8x32_ps(_mm256_broadcast_ps((const __m128 *)(cp + 4 * t)), qv), sum[t]);
      if (_mm256_movemask_ps(_mm256_castsi256_ps(matched)) != 0xff && !j->unmatched[task]) {
        int32_t lanes[8];
        _mm256_storeu_si256((__m256i *)lanes, matched);
        for (int i = 0; i < 8; i++)
          if (!lanes[i]) { j->unmatched[task] = out + i + 1; break; }
      }
    }
    for (int t = 0; t < 10; t++) _mm256_storeu_ps(acc + t * OC + oc0, sum[t]);
  }
  return oc0;
}
#endif

static void filter_chunk(void *ctx, int task, int thread) {
  cpb_job *j = ctx;
  const long OC = j->c->outC, PH = j->p->outH;
  float *acc = j->partials + task * 10 * OC;
  const struct ck_conv_pool_direct_rows *rows = ck_isa()->direct;
  float *cand = rows->candidates ? ck_scratch(thread, &candidates_scratch, (size_t)j->p->outW * rows->candidates) : NULL;
  if (rows->candidates && !cand) return; /* out of memory: recorded by ck_scratch, thrown by addon.c */
  memset(acc, 0, (size_t)10 * OC * sizeof(float));
  long lo = task * j->chunk, hi = lo + j->chunk < j->c->batch ? lo + j->chunk : j->c->batch;
  for (long n = lo; n < hi; n++)
    for (long py = 0; py < PH; py++) {
      long done = rows->filter_rows(j, task, n, py, acc, cand);
      if (done < OC) filter_rows_scalar(j, task, n, py, done, acc);
    }
}

/* The 1-channel first layer's backward (dw, db): ck_pool_conv_backprop's contract without dx. */
static long filter_grad(const float *g, const int32_t *argmax, const float *x, float *dw, const float *pooled, float *db,
                        const ck_conv_info *c, const ck_pool_info *p) {
  const long OC = c->outC;
  if (c->batch == 0) {
    memset(dw, 0, (size_t)9 * OC * sizeof(float));
    if (db) memset(db, 0, (size_t)OC * sizeof(float));
    return -1;
  }
  cpb_job j = {.c = c, .p = p, .x = x, .g = g, .pooled = pooled, .argmax = argmax};
  j.nchunks = c->batch < FILTER_CHUNKS ? c->batch : FILTER_CHUNKS;
  j.chunk = (c->batch + j.nchunks - 1) / j.nchunks;
  j.nchunks = (c->batch + j.chunk - 1) / j.chunk;
  j.partials = ck_scratch(0, &partial_sums_scratch, (size_t)j.nchunks * 10 * OC);
  if (!j.partials) return -1; /* out of memory: recorded by ck_scratch, thrown by addon.c */
  ck_pool_run((int)j.nchunks, filter_chunk, &j);
  ck_add_partials(j.partials, j.nchunks, 10 * OC); /* in chunk order, into chunk 0's */
  memcpy(dw, j.partials, (size_t)9 * OC * sizeof(float));
  if (db) memcpy(db, j.partials + 9 * OC, (size_t)OC * sizeof(float));
  for (long k = 0; k < j.nchunks; k++)
    if (j.unmatched[k]) return j.unmatched[k] - 1;
  return -1;
}

long ck_pool_conv_backprop_direct(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw,
                                  float *dx, const float *pooled, float *db, const ck_conv_info *c,
                                  const ck_pool_info *p) {
  (void)w;
  if (dx) return -2; /* the input gradient: the argmax-sparse backward's */
  return filter_grad(g, argmax, x, dw, pooled, db, c, p);
}

static long no_pooled_row(const cp_job *j, long n, long py) {
  (void)j, (void)n, (void)py;
  return 0;
}

static long no_filter_rows(cpb_job *j, int task, long n, long py, float *acc, float *cand) {
  (void)j, (void)task, (void)n, (void)py, (void)acc, (void)cand;
  return 0;
}

const struct ck_conv_pool_direct_rows ck_conv_pool_direct_portable = {no_pooled_row, no_filter_rows, 0};
#if CK_X86
/* cand: the 9 taps x 4 window pixels of every pooled column. */
const struct ck_conv_pool_direct_rows ck_conv_pool_direct_avx2 = {pooled_row_avx2, filter_rows_avx2, 36};
#endif
