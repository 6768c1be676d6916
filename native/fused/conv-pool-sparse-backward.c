/*
 * The backward of conv (stride 1) + relu + 2x2/2 max pool, by direct
 * convolution over the pool's argmax positions only.
 *
 * The conv-sized gradient dz has one nonzero per channel in each pool window,
 * at the window's argmax (oy, ox), and none where relu'(pooled) or g is zero.
 * Each (window, oc) with s = relu'(pooled) g != 0 therefore adds
 *   dw[kh][kw][c][oc] += s x[oy + kh][ox + kw][c]
 *   dx[oy + kh][ox + kw][c] += s w[kh][kw][c][oc]
 * that is kH kW C multiply-adds for each gradient, against 16 C for a
 * Winograd F(2x2, 3x3) tile per window and channel (always, dead or not,
 * plus three transforms): the lab CNN's conv2 backward does 9/16 of the
 * arithmetic or less, with no rounding from transforms.
 *
 * A kernel row (kw = 0..kW-1, every c) is kW C contiguous floats in NHWC, in
 * x and in dx alike, so both gradients are "sum of scaled rows" loops:
 *   dw: for each oc and kh, its live windows' input rows, scaled by s,
 *       summed in registers and added to the chunk's partial dw^T[oc][kh];
 *   dx: for each window position (window, q) and kh, the kernel rows
 *       w^T[oc][kh] of its live channels, scaled by s, summed in registers
 *       and added to the dx row under it.
 * The live (window, oc) pairs are listed once per image (pool-live-pairs.c), per oc for dw and per
 * window position for dx, so the multiply loops test no pair.
 *
 * Staging: each image of x is copied into 64-byte-aligned scratch (and dx is
 * computed in such scratch and copied back) when the conv pads (the copies
 * have the zero border) or when that array is not 64-byte aligned: a kernel
 * row then starts on a cache line when C is a multiple of 16, and no 32-byte
 * load straddles two lines (reading misaligned x made the lab CNN's backward
 * about 9% slower; for dx the copy and the misalignment cost about the same).
 * An unpadded conv reads an aligned x and writes an aligned dx in place.
 *
 * Determinism: images are cut into a shape-only number of chunks. A chunk
 * owns its images' dx and its own dw partial sum, added in chunk order.
 */
#include "fused/conv-pool-sparse-backward.h"
#include "runtime/isa-target.h"
#include "fused/pool-window.h"
#include "runtime/why-not.h"
#include "fused/pool-live-pairs.h"

#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot flipped_w_scratch; /* the kernel transposed for the input gradient */
static ck_scratch_slot list_ints_scratch; /* per image: the live-pair lists and window corners */
static ck_scratch_slot list_scales_scratch; /* per image: the live pairs' masked gradients */
static ck_scratch_slot padded_dx_scratch; /* one zero-padded input-gradient image */
static ck_scratch_slot padded_x_scratch; /* one zero-padded input image */
static ck_scratch_slot partial_sums_scratch; /* per chunk: dw and db sums, added in chunk order */

/* Chunks of images: enough tasks for every thread, but each with enough images on average to
   pay for its partial dw (OC x kH x kW x C floats, cleared and added every call): at batch 32,
   4 chunks of 8 images took about 10% less time than 8 of 4. Their sizes shrink from the first
   to the last (ck_shrinking_chunks): with 8 equal chunks of a batch of 128, the caller waited on
   the other thread's last chunk for 4.8-7.2% of this kernel's time, with shrinking ones 2.1-3.5%. */
#define MAX_CHUNKS 8
#define MIN_CHUNK_IMAGES 8
/* Floats per row segment: 12 AVX2 accumulators, the lab CNN's whole kernel row (3 x 32). */
#define SEGMENT 96

typedef struct {
  const ck_conv_info *c;
  const ck_pool_info *p;
  const float *g, *x, *pooled;
  const int32_t *argmax;
  const float *wt;      /* w^T [OC][kH][kW C], when dx is asked */
  float *dx;
  float *partials;      /* per chunk: dw^T (OC x kH x kW C), then the bias gradient (OC) */
  int bias;
  long start[MAX_CHUNKS + 1]; /* chunk k is images [start[k], start[k + 1]) */
  long nchunks;
  long hp, wp;          /* padded image: outH + kH - 1 rows, outW + kW - 1 columns */
  int padded; /* the conv pads: the staged copies have a zero border */
  int stage_x, stage_dx; /* x (dx) goes through aligned scratch: padded, or misaligned */
  const struct ck_sparse_rows *rows; /* the ISA path's scaled_rows */
  long unmatched[MAX_CHUNKS]; /* 1 + first pooled index whose argmax is not in its window, per chunk */
} sb_job;

/* dst[0, len) += sum over e < count of s[e] * src[off[e] + (0, len)]: the scalar path and the tails. */
static void scaled_rows_base(long len, int count, const int32_t *off, const float *s, const float *src, float *dst) {
  for (long i = 0; i < len; i++) {
    float acc = 0.0f;
    for (int e = 0; e < count; e++) acc += s[e] * src[off[e] + i];
    dst[i] += acc;
  }
}

#if CK_X86
#include <immintrin.h>

/* The same on NV full vectors, summed in registers (NV constant after inlining). */
CK_TARGET_AVX2 __attribute__((always_inline)) static inline void scaled_rows_nv(const int NV, int count, const int32_t *off, const float *s,
                                                                      const float *src, float *dst) {
  __m256 acc[SEGMENT / 8];
  for (int v = 0; v < NV; v++) acc[v] = _mm256_setzero_ps();
  for (int e = 0; e < count; e++) {
    const __m256 sv = _mm256_broadcast_ss(s + e);
    const float *row = src + off[e];
    for (int v = 0; v < NV; v++) acc[v] = _mm256_fmadd_ps(sv, _mm256_loadu_ps(row + 8 * v), acc[v]);
  }
  for (int v = 0; v < NV; v++) _mm256_storeu_ps(dst + 8 * v, _mm256_add_ps(_mm256_loadu_ps(dst + 8 * v), acc[v]));
}

#define NV_CASE(n) \
  case n:          \
    scaled_rows_nv(n, count, off, s, src, dst); \
    break

CK_TARGET_AVX2 static void scaled_rows_avx2(long len, int count, const int32_t *off, const float *s, const float *src, float *dst) {
  for (; len >= 8; len -= SEGMENT, src += SEGMENT, dst += SEGMENT) {
    switch (len >= SEGMENT ? SEGMENT / 8 : len / 8) {
      NV_CASE(1); NV_CASE(2); NV_CASE(3); NV_CASE(4); NV_CASE(5); NV_CASE(6);
      NV_CASE(7); NV_CASE(8); NV_CASE(9); NV_CASE(10); NV_CASE(11); NV_CASE(12);
    default: break;
    }
    if (len < SEGMENT) {
      long done = len / 8 * 8;
      scaled_rows_base(len - done, count, off, s, src + done, dst + done);
      return;
    }
  }
  if (len > 0) scaled_rows_base(len, count, off, s, src, dst);
}
#endif

static void scaled_rows_portable(long len, int count, const int32_t *off, const float *s, const float *src, float *dst) {
  scaled_rows_base(len, count, off, s, src, dst);
}

/* This file's per-ISA copy (ck_isa()->sparse): portable, and avx2 (also the avx512 path's). */
struct ck_sparse_rows {
  void (*scaled_rows)(long len, int count, const int32_t *off, const float *s, const float *src, float *dst);
};

const struct ck_sparse_rows ck_sparse_rows_portable = {scaled_rows_portable};
#if CK_X86
const struct ck_sparse_rows ck_sparse_rows_avx2 = {scaled_rows_avx2};
#endif

static void chunk_task(void *ctx, int task, int thread) {
  sb_job *j = ctx;
  const ck_conv_info *c = j->c;
  const long C = c->inC, OC = c->outC, H = c->inH, W = c->inW, KH = c->kH, KW = c->kW;
  const long windows = j->p->outH * j->p->outW, row = KW * C, plane = j->hp * j->wp * C, stride = j->wp * C;
  const long n0 = j->start[task], n1 = j->start[task + 1];
  float *dwt = j->partials + task * (OC * KH * row + OC);
  float *bsum = j->bias ? dwt + OC * KH * row : NULL;
  /* Lists: dw (OC x windows) and dx (windows x 4 x OC) offsets and scales, counts, corners. */
  const long lw = OC * windows, cap = OC + 8, lx = windows * 4 * cap;
  int32_t *ints = (int32_t *)ck_scratch(thread, &list_ints_scratch, (size_t)(lw + lx + OC + 2 * windows * 4));
  float *scales = ck_scratch(thread, &list_scales_scratch, (size_t)(lw + lx));
  float *xpad = j->stage_x ? ck_scratch(thread, &padded_x_scratch, (size_t)plane) : NULL;
  float *dxpad = j->stage_dx ? ck_scratch(thread, &padded_dx_scratch, (size_t)plane) : NULL;
  if (!ints || !scales || (j->stage_x && !xpad) || (j->stage_dx && !dxpad)) return;
  ck_live_pairs l = {.dw_off = ints, .dx_off = ints + lw, .dw_count = ints + lw + lx, .dx_count = ints + lw + lx + OC,
                     .corner = ints + lw + lx + OC + windows * 4, .dw_s = scales, .dx_s = scales + lw, .dx_cap = cap};
  memset(dwt, 0, (size_t)OC * KH * row * sizeof(float));
  if (bsum) memset(bsum, 0, (size_t)OC * sizeof(float));
  for (long n = n0; n < n1; n++) {
    const float *xn = j->x + n * H * W * C;
    float *dxn = j->dx ? j->dx + n * H * W * C : NULL;
    if (j->padded) {
      /* Zero border; rows of the image at (padTop, padLeft). */
      memset(xpad, 0, (size_t)plane * sizeof(float));
      for (long y = 0; y < H; y++)
        if (y + c->padTop < j->hp)
          memcpy(xpad + ((y + c->padTop) * j->wp + c->padLeft) * C, xn + y * W * C,
                 (size_t)(W < j->wp - c->padLeft ? W : j->wp - c->padLeft) * C * sizeof(float));
      xn = xpad;
    } else if (j->stage_x) {
      memcpy(xpad, xn, (size_t)plane * sizeof(float));
      xn = xpad;
    }
    const long bad = ck_list_live_pairs(&l, c, j->p, j->wp, j->g, j->pooled, j->argmax, n, bsum);
    if (bad >= 0 && !j->unmatched[task]) j->unmatched[task] = bad + 1;
    for (long oc = 0; oc < OC; oc++) {
      const int count = l.dw_count[oc];
      if (count == 0) continue;
      for (long kh = 0; kh < KH; kh++)
        j->rows->scaled_rows(row, count, l.dw_off + oc * windows, l.dw_s + oc * windows, xn + kh * stride,
                    dwt + (oc * KH + kh) * row);
    }
    if (!dxn) continue;
    float *dxp = j->stage_dx ? dxpad : dxn;
    memset(dxp, 0, (size_t)plane * sizeof(float));
    for (long kh = 0; kh < KH; kh++)
      for (long k = 0; k < windows * 4; k++) {
        const int count = l.dx_count[k];
        if (count) j->rows->scaled_rows(row, count, l.dx_off + k * cap, l.dx_s + k * cap, j->wt + kh * row, dxp + l.corner[k] + kh * stride);
      }
    if (j->stage_dx && !j->padded) memcpy(dxn, dxp, (size_t)plane * sizeof(float));
    if (j->padded)
      for (long y = 0; y < H; y++)
        for (long x = 0; x < W; x++) {
          const long py = y + c->padTop, px = x + c->padLeft;
          if (py < j->hp && px < j->wp) memcpy(dxn + (y * W + x) * C, dxp + (py * j->wp + px) * C, (size_t)C * sizeof(float));
          else memset(dxn + (y * W + x) * C, 0, (size_t)C * sizeof(float));
        }
  }
}

const char *ck_pool_conv_sparse_why_not(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len) {
  const char *shared = ck_fused_stride_why_not(c, why, len);
  if (!shared) shared = ck_pool_2x2_why_not(c, p, why, len);
  if (shared) return shared;
  /* the dx lists' counts are 16 bits (pool-live-pairs.c) */
  if (c->outC >= 65536)
    return ck_why_not(why, len, "conv has %ld filters; the fused backward counts them in 16 bits (at most 65535)", c->outC);
  if ((c->outH + c->kH) * (c->outW + c->kW) * c->inC >= 2147483647L || c->kH * c->kW * c->inC * c->outC >= 2147483647L)
    return ck_why_not(why, len, "the padded image or the kernel has more elements than int32 offsets reach");
  return NULL;
}

long ck_pool_conv_backprop_sparse(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw,
                                  float *dx, const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p) {
  if (ck_pool_conv_sparse_why_not(c, p, NULL, 0)) return -2;
  const long C = c->inC, OC = c->outC, taps = c->kH * c->kW, row = c->kW * C;
  if (c->batch == 0) {
    memset(dw, 0, (size_t)taps * C * OC * sizeof(float));
    if (db) memset(db, 0, (size_t)OC * sizeof(float));
    return -1;
  }
  sb_job j = {.c = c, .p = p, .g = g, .x = x, .pooled = pooled, .argmax = argmax, .dx = dx, .bias = db != NULL};
  j.rows = ck_isa()->sparse;
  ck_live_pairs_init();
  j.hp = c->outH + c->kH - 1;
  j.wp = c->outW + c->kW - 1;
  j.padded = !(c->padTop == 0 && c->padLeft == 0 && j.hp == c->inH && j.wp == c->inW);
  const size_t image_bytes = (size_t)(c->inH * c->inW * C) * sizeof(float);
  j.stage_x = j.padded || (uintptr_t)x % 64 || image_bytes % 64;
  j.stage_dx = dx && (j.padded || (uintptr_t)dx % 64 || image_bytes % 64);
  long chunk = (c->batch + MAX_CHUNKS - 1) / MAX_CHUNKS;
  if (chunk < MIN_CHUNK_IMAGES) chunk = MIN_CHUNK_IMAGES;
  j.nchunks = (c->batch + chunk - 1) / chunk;
  ck_shrinking_chunks(c->batch, j.nchunks, j.start);
  const long part = OC * c->kH * row;
  float *partials = ck_scratch(0, &partial_sums_scratch, (size_t)(j.nchunks * (part + OC)));
  if (!partials) return -1; /* out of memory: recorded by ck_scratch, thrown by addon.c */
  j.partials = partials;
  if (dx) {
    float *wt = ck_scratch(0, &flipped_w_scratch, (size_t)taps * C * OC);
    if (!wt) return -1;
    ck_transpose(w, wt, taps * C, OC); /* w^T[oc][kh][kw][c] */
    j.wt = wt;
  }
  ck_pool_run((int)j.nchunks, chunk_task, &j);
  /* The chunks' sums, in chunk order, in chunk 0's; dw[tap][c][oc] from its dw^T[oc][tap][c]. */
  ck_add_partials(partials, j.nchunks, part + OC);
  ck_transpose(partials, dw, OC, taps * C);
  if (db) memcpy(db, partials + part, (size_t)OC * sizeof(float));
  for (long k = 0; k < j.nchunks; k++)
    if (j.unmatched[k]) return j.unmatched[k] - 1;
  return -1;
}
