/*
 * The backward of conv (3x3, stride 1) + relu + 2x2/2 max pool, straight from
 * the pooled gradient g and the pool's argmax: the conv-sized gradient dz, 3/4
 * zeros, is never written or read back. Given the pool's output, the relu's
 * mask (pooled > 0) and the bias gradient are taken here too, as g is read.
 *
 * The forward pass (ck_conv_relu_pool_winograd) computes each pool window as
 * one F(2x2, 3x3) tile, y = A^T [U (.) V] A with V = B^T d B. dz is nonzero
 * only inside windows, one element per channel each, so both gradients are
 * sums over the windows' tiles of Y = A dz A^T:
 *   dw: G^T [sum over tiles of Y (.) V] G (as winograd-filter.c), and
 *   dx: each tile's patch takes B [sum over oc of U (.) Y] B^T, the adjoint of
 *       the forward's tile, added where patches overlap.
 * One Y per window feeds both GEMMs. Against dz -> Winograd dx, this does the
 * 25 windows of an 11x11 conv output instead of the 36 nonzero 2x2 blocks of
 * its padded gradient, and no input-gradient tile is ever scanned for zeros.
 *
 * Determinism: images are cut into a shape-only number of chunks. A chunk
 * owns its images' dx (so overlapping patches are added in a fixed order) and
 * its own dw partial sum; the partials are added in chunk order.
 */
#include "winograd.h"
#include "conv-pool.h"
#include "winograd-transforms.h"

#include <string.h>

/* Windows per block: the dw GEMM's depth and the dx GEMM's rows; a block's V, Y and Z
   (16 x TB x (C + OC + C) floats) stay in L2. A multiple of every ISA's MR; 24, 48 and
   72 measured alike on the seed CNN's conv2, 96 slower. */
#define WINDOWS_PER_BLOCK 48
/* Chunks of images (fixed by the batch size): up to MAX_CHUNKS, enough tasks for every
   thread, but at least MIN_CHUNK_IMAGES images each, so that a small batch does not pay
   for 8 partial sums (16 x OC x C floats each, cleared and added every call). */
#define MAX_CHUNKS 8
#define MIN_CHUNK_IMAGES 8

typedef struct {
  const ck_gemm_isa *isa;
  const ck_conv_info *c;
  const ck_pool_info *p;
  const float *g, *x, *ut, *zeros;
  const float *pooled; /* when not NULL, g is masked here by relu'(pooled) = (pooled > 0) */
  const int32_t *argmax;
  const int *row_off; /* oc0 + i for the dw GEMM's row tiles, clamped to OC - 1 */
  float *partials;    /* nchunks x 16 x OC x C */
  float *bias_partials; /* nchunks x OC, or NULL: no bias gradient asked */
  float *dx;
  long chunk, nchunks; /* images per chunk, chunks */
  long unmatched[MAX_CHUNKS]; /* 1 + first pooled index whose argmax is not in its window, per chunk */
} pb_job;

/* The 16 pixel rows of dx under a window's 4x4 input patch; pixels outside the image point at `sink`. */
static void patch_rows(float *dxn, const ck_conv_info *c, long iy0, long ix0, float *sink, float **out) {
  for (int r = 0; r < 4; r++)
    for (int s = 0; s < 4; s++) {
      long iy = iy0 + r, ix = ix0 + s;
      out[r * 4 + s] = iy >= 0 && iy < c->inH && ix >= 0 && ix < c->inW ? dxn + (iy * c->inW + ix) * c->inC : sink;
    }
}

/* dx tiles of one block: Z[xi] = Y[xi] . U^T[xi] (depth OC), then each window's patch += B Z B^T. */
static void input_gradient_block(const pb_job *j, const float *y, long ys, float *z, long zs, int nt,
                                 const long *window_of, float *sink, int wide) {
  const ck_conv_info *c = j->c;
  const int NR = j->isa->nr;
  const long C = c->inC, OC = c->outC, cpad = (C + NR - 1) / NR * NR;
  for (int xi = 0; xi < 16; xi++)
    ck_panel_gemm(j->isa, nt, (int)C, (int)OC, y + (long)xi * ys, OC, j->ut + (long)xi * OC * cpad, z + (long)xi * zs, C);
  const long PH = j->p->outH, PW = j->p->outW;
  for (int k = 0; k < nt; k++) {
    long win = window_of[k], n = win / (PH * PW), rem = win % (PH * PW);
    float *out[16];
    patch_rows(j->dx + n * c->inH * c->inW * C, c, 2 * (rem / PW) - c->padTop, 2 * (rem % PW) - c->padLeft, sink, out);
    ck_wg_input_transform_adjoint(wide, z + (long)k * C, zs, out, C);
  }
}

static void chunk_task(void *ctx, int task, int thread) {
  pb_job *j = ctx;
  const ck_conv_info *c = j->c;
  const ck_gemm_isa *isa = j->isa;
  const int NR = isa->nr, TB = WINDOWS_PER_BLOCK;
  const long C = c->inC, OC = c->outC, H = c->inH, W = c->inW, PH = j->p->outH, PW = j->p->outW;
  const long cpanels = (C + NR - 1) / NR;
  const long n0 = task * j->chunk, n1 = n0 + j->chunk < c->batch ? n0 + j->chunk : c->batch;
  float *mw = j->partials + task * 16 * OC * C;
  /* V in NR-channel panels [xi][panel][window][NR] (the dw GEMM's packed B); Y and Z row-major [xi][window][.]. */
  const long vs = ck_wg_stride(cpanels * TB * NR), ys = ck_wg_stride(TB * OC), zs = ck_wg_stride(TB * C);
  float *v = ck_scratch(thread, CK_SLOT_PACK_B, (size_t)16 * vs);
  float *y = ck_scratch(thread, CK_SLOT_COL, (size_t)16 * ys);
  float *z = j->dx ? ck_scratch(thread, CK_SLOT_PACK_A, (size_t)16 * zs) : NULL;
  /* One allocation: TB row pointers and a sink row for patch pixels past the edge. */
  float *misc = ck_scratch(thread, CK_SLOT_PTRS, (size_t)TB * 2 + C);
  if (!v || !y || (j->dx && !z) || !misc) return;
  const float **rows = (const float **)misc;
  float *sink = misc + TB * 2;
  const int wide = ck_isa_avx2(isa);
  /* Channels past C in a last, partial panel are read by full-width loads and never stored: keep them finite. */
  if (C % NR) memset(v, 0, (size_t)16 * vs * sizeof(float));
  float *bsum = j->bias_partials ? j->bias_partials + task * OC : NULL;
  if (bsum) memset(bsum, 0, (size_t)OC * sizeof(float));
  long window_of[WINDOWS_PER_BLOCK];
  int blocks = 0;
  for (long win = n0 * PH * PW, end = n1 * PH * PW; win < end;) {
    int nt = 0;
    for (; win < end && nt < TB; win++) {
      const long n = win / (PH * PW), py = win % (PH * PW) / PW, px = win % PW;
      /* An image's dx is cleared when its first window comes up, before any block adds to it, while it
         can still be in cache when the adds come (not the whole chunk's up front). */
      if (j->dx && win % (PH * PW) == 0) memset(j->dx + n * H * W * C, 0, (size_t)H * W * C * sizeof(float));
      long base[4];
      for (int q = 0; q < 4; q++) base[q] = ck_window_index(c, n, py, px, q);
      int live;
      long bad = ck_wg_window_dy_transform(wide, j->g + win * OC, j->pooled ? j->pooled + win * OC : NULL, j->argmax + win * OC,
                                           base, y + nt * OC, ys, bsum, OC, &live);
      if (bad >= 0 && !j->unmatched[task]) j->unmatched[task] = win * OC + bad + 1;
      if (!live) continue; /* adds nothing to dw or dx; its Y is overwritten */
      const float *p[16];
      ck_wg_patch(j->x + n * H * W * C, H, W, C, 2 * py - c->padTop, 2 * px - c->padLeft, j->zeros, p);
      ck_wg_input_transform(wide, p, v + nt * NR, vs, NR, TB * NR, C);
      window_of[nt++] = win;
    }
    if (nt == 0) continue;
    /* The first block overwrites Mw, the others add to it. */
    ck_wg_filter_gemm(isa, y, ys, v, vs, TB, nt, rows, j->row_off, mw, C, OC, blocks++ > 0);
    if (j->dx) input_gradient_block(j, y, ys, z, zs, nt, window_of, sink, wide);
  }
  if (blocks == 0) memset(mw, 0, (size_t)16 * OC * C * sizeof(float)); /* every window's gradient was zero */
}

long ck_pool_conv_backprop_winograd(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw,
                                    float *dx, const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p) {
  if (!ck_winograd_applies(c) || !ck_pool_2x2_after(c, p)) return -2; /* the pair the pooled forward computes */
  const long C = c->inC, OC = c->outC;
  if (c->batch == 0) {
    memset(dw, 0, (size_t)9 * C * OC * sizeof(float));
    if (db) memset(db, 0, (size_t)OC * sizeof(float));
    return -1;
  }
  pb_job j = {.isa = ck_isa(), .c = c, .p = p, .g = g, .x = x, .pooled = pooled, .argmax = argmax, .dx = dx};
#if CK_X86
  /* AVX-512: its AVX2 tables (see convkit.h), so that both GEMMs share one panel width. */
  if (!j.isa->conv_wgrad_rows) j.isa = &ck_gemm_avx2;
#endif
  const int MR = j.isa->mr, NR = j.isa->nr;
  if (MR > 64) return -2; /* cannot happen: fixed ISA tables */
  j.chunk = (c->batch + MAX_CHUNKS - 1) / MAX_CHUNKS;
  if (j.chunk < MIN_CHUNK_IMAGES) j.chunk = MIN_CHUNK_IMAGES;
  j.nchunks = (c->batch + j.chunk - 1) / j.chunk;
  const long widest = C > OC ? C : OC, rows = (OC + MR - 1) / MR * MR;
  /* The chunks' Mw, then (when asked) their bias gradients. */
  float *partials = ck_scratch(0, CK_SLOT_PARTIAL, (size_t)j.nchunks * (16 * OC * C + OC));
  float *zeros = ck_scratch(0, CK_SLOT_ZERO, (size_t)widest);
  int *row_off = (int *)ck_scratch(0, CK_SLOT_OFFSETS, (size_t)rows);
  if (!partials || !zeros || !row_off) return -1; /* out of memory: recorded by ck_scratch, thrown by addon.c */
  memset(zeros, 0, (size_t)widest * sizeof(float));
  for (long k = 0; k < rows; k++) row_off[k] = (int)(k < OC ? k : OC - 1);
  if (dx) {
    /* U^T: the forward's U with the channel axes swapped, packed as C-column panels of depth OC. */
    const long cpad = (C + NR - 1) / NR * NR;
    float *wt = ck_scratch(0, CK_SLOT_FLIPPED, (size_t)9 * C * OC);
    float *ut = ck_scratch(0, CK_SLOT_PACK_W, (size_t)16 * OC * cpad);
    if (!wt || !ut) return -1;
    ck_wg_transform_weights_swapped(w, wt, ut, OC, C, cpad, NR, ck_isa_avx2(j.isa));
    j.ut = ut;
  }
  j.partials = partials;
  j.bias_partials = db ? partials + j.nchunks * 16 * OC * C : NULL;
  j.zeros = zeros;
  j.row_off = row_off;
  ck_pool_run((int)j.nchunks, chunk_task, &j);
  ck_wg_filter_finish(partials, j.nchunks, dw, C, OC);
  for (long oc = 0; db && oc < OC; oc++) {
    float s = 0.0f;
    for (long k = 0; k < j.nchunks; k++) s += j.bias_partials[k * OC + oc];
    db[oc] = s;
  }
  for (long k = 0; k < j.nchunks; k++)
    if (j.unmatched[k]) return j.unmatched[k] - 1;
  return -1;
}
