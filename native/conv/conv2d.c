/*
 * Convolution as GEMM over the im2col matrix col[P, KC] (P = N*OH*OW
 * positions, KC = KH*KW*C, taps = KH*KW), which is never materialised: the
 * conv microkernels read input pixels through pointer tables (one pointer per
 * position and tap, or to zeros for padding). Weights [KH,KW,C,OC] are already
 * a [KC, OC] matrix.
 *   forward:         y[P,OC]    = col . w            threads split P
 *   backprop input:  conv-input-grad.c
 *   backprop filter: dw[KC,OC]  = col^T . dy         fixed chunks of P whose
 *     partial sums are added in chunk order, so the result does not depend on
 *     the thread count.
 * No GEMM here splits its depth across threads, so every output is
 * bit-identical for any thread count.
 */
#include "conv/conv-c1.h"
#include "conv/im2col.h"
#include "winograd/winograd.h"

#include <limits.h>
#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot packed_b_scratch; /* dy packed in NR-column panels */
static ck_scratch_slot packed_w_scratch; /* the kernel packed in NR-column panels */
static ck_scratch_slot partial_sums_scratch; /* per chunk: dw sums, added in chunk order */
static ck_scratch_slot row_offsets_scratch; /* offsets of dw rows */
static ck_scratch_slot row_pointers_scratch; /* pointers to each position's input rows */
static ck_scratch_slot zeros_scratch; /* zeros where a window leaves the image */

typedef struct {
  const ck_gemm_isa *isa;
  const ck_conv_info *g;
  const float *x, *w, *dy, *zeros;
  const float *wpack; /* forward: weights packed once into NR-column panels, shared by all tasks */
  const float *bias;  /* forward epilogue: bias (or NULL) and activation (-1: none) */
  int act;
  float *out;
  long chunk;      /* positions per filter-gradient chunk */
  const int *row_off; /* filter gradient, windows inside: offset of dw row k from a window's corner */
  long nchunks;
  float *partials; /* nchunks x KC x OC */
  long tap_offset[64]; /* input offset of each tap from the window's corner pixel */
} conv_job;

static long positions(const ck_conv_info *g) { return g->batch * g->outH * g->outW; }
static long depth(const ck_conv_info *g) { return g->kH * g->kW * g->inC; }
static long round_up(long v, long a) { return (v + a - 1) / a * a; }

static const float **pointer_scratch(int thread, long count) {
  return (const float **)ck_scratch(thread, &row_pointers_scratch, (size_t)count * sizeof(void *) / sizeof(float) + 1);
}

/* An output position walked in order without divisions (n, oh, ow). */
typedef struct {
  long n, oh, ow;
} cursor;

static cursor cursor_at(const ck_conv_info *g, long pos) {
  long plane = g->outH * g->outW, rem = pos % plane;
  return (cursor){pos / plane, rem / g->outW, rem % g->outW};
}

static void cursor_next(const ck_conv_info *g, cursor *c) {
  if (++c->ow == g->outW) {
    c->ow = 0;
    if (++c->oh == g->outH) { c->oh = 0; c->n++; }
  }
}

/*
 * table[t * stride] = address of the C channels under tap t at position c, or
 * zeros in the padding. Windows wholly inside the image (all of them for
 * 'valid') take the fast path: corner + a precomputed offset per tap.
 */
static void tap_pointers(const conv_job *j, const cursor *c, const float **table, long stride) {
  const ck_conv_info *g = j->g;
  long ih0 = c->oh * g->strideH - g->padTop, iw0 = c->ow * g->strideW - g->padLeft;
  const float *xn = j->x + c->n * g->inH * g->inW * g->inC;
  long taps = g->kH * g->kW;
  if (ih0 >= 0 && iw0 >= 0 && ih0 + g->kH <= g->inH && iw0 + g->kW <= g->inW) {
    const float *corner = xn + (ih0 * g->inW + iw0) * g->inC;
    for (long t = 0; t < taps; t++) table[t * stride] = corner + j->tap_offset[t];
    return;
  }
  for (long kh = 0; kh < g->kH; kh++) {
    long ih = ih0 + kh;
    int row_ok = ih >= 0 && ih < g->inH;
    const float *xr = xn + ih * g->inW * g->inC;
    for (long kw = 0; kw < g->kW; kw++, table += stride) {
      long iw = iw0 + kw;
      *table = row_ok && iw >= 0 && iw < g->inW ? xr + iw * g->inC : j->zeros;
    }
  }
}

static void init_tap_offsets(conv_job *j) {
  const ck_conv_info *g = j->g;
  for (long kh = 0, t = 0; kh < g->kH && t < 64; kh++)
    for (long kw = 0; kw < g->kW && t < 64; kw++, t++) j->tap_offset[t] = (kh * g->inW + kw) * g->inC;
}

/* Output positions in [lo, hi) (whole MR-row tiles but the last). */
static void forward_positions(void *ctx, long lo, long hi, int thread) {
  const conv_job *j = ctx;
  const ck_conv_info *g = j->g;
  const int MR = j->isa->mr, NR = j->isa->nr, taps = (int)(g->kH * g->kW), C = (int)g->inC;
  const long OC = g->outC, KC = depth(g), mc_max = j->isa->mc;
  const float *bpack = j->wpack;
  const float **table = pointer_scratch(thread, round_up(mc_max, MR) * taps);
  if (!table) return;
  for (long ic = lo; ic < hi; ic += mc_max) {
    long mc = hi - ic < mc_max ? hi - ic : mc_max;
    /* Panel-major table: [panel][tap][MR]; rows past the end point at zeros. */
    cursor cur = cursor_at(g, ic);
    for (long ir = 0; ir < mc; ir += MR) {
      const float **panel = table + (ir / MR) * taps * MR;
      for (int i = 0; i < MR; i++) {
        if (ir + i < mc) {
          tap_pointers(j, &cur, panel + i, MR);
          cursor_next(g, &cur);
        } else {
          for (int t = 0; t < taps; t++) panel[t * MR + i] = j->zeros;
        }
      }
    }
    for (long jr = 0; jr < OC; jr += NR) {
      int n = (int)(OC - jr < NR ? OC - jr : NR);
      const float *bp = bpack + (jr / NR) * KC * NR;
      for (long ir = 0; ir < mc; ir += MR) {
        int m = (int)(mc - ir < MR ? mc - ir : MR);
        j->isa->conv_fwd(taps, C, table + (ir / MR) * taps * MR, bp, j->out + (ic + ir) * OC + jr, OC, m, n, 0);
      }
    }
    if (j->act >= 0) ck_bias_act_rows(j->out + ic * OC, j->bias, mc, OC, j->act);
  }
}

/* Zeros that padding taps point at: at least max(C, 1) floats, shared read-only by all threads. */
static const float *zero_channels(long C) {
  float *z = ck_scratch(0, &zeros_scratch, (size_t)(C > 0 ? C : 1) + 64);
  if (z) memset(z, 0, ((size_t)(C > 0 ? C : 1) + 64) * sizeof(float));
  return z;
}

void ck_conv2d(const float *x, const float *w, float *y, const ck_conv_info *g, const float *bias, int act) {
  if (bias && act < 0) act = CK_ACT_LINEAR;
  conv_job j = {.isa = ck_isa()->gemm, .g = g, .x = x, .w = w, .out = y, .bias = bias, .act = act};
  long P = positions(g);
  if (P == 0 || g->outC == 0) return;
  if (depth(g) == 0) {
    memset(y, 0, (size_t)P * g->outC * sizeof(float));
    if (act >= 0) ck_bias_activation(y, bias, P, g->outC, act);
    return;
  }
  if (ck_conv_c1_applies(g)) {
    ck_conv_c1_forward(x, w, y, g, bias, act);
    return;
  }
  if (ck_winograd_applies(g)) {
    ck_conv2d_winograd(x, w, y, g, bias, act);
    return;
  }
  j.zeros = zero_channels(g->inC);
  if (!j.zeros) return;
  init_tap_offsets(&j);
  double flops = 2.0 * P * depth(g) * g->outC;
  /* Tasks of at least ~1 MFLOP; the split only moves row boundaries, never a sum. */
  const int parts = ck_pool_tasks(flops, 1e6);
  if (g->kH * g->kW <= 64) {
    float *wpack = ck_scratch(0, &packed_w_scratch, (size_t)round_up(g->outC, j.isa->nr) * depth(g));
    if (!wpack) return;
    ck_plain wp = {w, g->outC};
    ck_pack_kmajor(&wp, 0, (int)g->outC, 0, (int)depth(g), j.isa->nr, wpack);
    j.wpack = wpack;
    ck_pool_for(positions(g), parts, j.isa->mr, forward_positions, &j);
    return;
  }
  /* Kernels with more than 64 taps: packed GEMM over an explicit im2col packer. */
  ck_im2col col = {x, g, 0};
  ck_plain wp = {w, g->outC};
  ck_operand A = {ck_pack_im2col, &col}, B = {ck_pack_kmajor, &wp};
  ck_gemm_serial(j.isa, 0, P, g->outC, depth(g), A, B, y, g->outC, 0);
  if (act >= 0) ck_bias_activation(y, bias, P, g->outC, act);
}

#define FILTER_KC 64
/* Positions per block on the corner path: its packed dy panel (128 x NR
   floats, 8 KB) and the input lines the block's windows cover stay in L1;
   64 and 128 measured alike, 256 and up slower. */
#define FILTER_ROWS_KC 128

/* True when no window overhangs the input, so corner + offset reaches every tap. */
static int windows_inside(const ck_conv_info *g) {
  return g->padTop == 0 && g->padLeft == 0 && (g->outH - 1) * g->strideH + g->kH <= g->inH &&
         (g->outW - 1) * g->strideW + g->kW <= g->inW;
}

/*
 * Filter gradient of a chunk when every window lies inside the input: one
 * corner pointer per position, and the dw rows (tap, channel) run straight
 * through in tiles of MR, each row reading corner + its offset (see
 * conv_wgrad_rows in convkit.h). Compared with filter_block, the table holds
 * one pointer per position instead of one per tap, so blocks can be twice as
 * deep (half the accumulator round trips through dw), and no tile is left
 * partly empty at the end of a tap (C=32, MR=6). Blocks add to the first in
 * block order, so the sums depend on the shape alone.
 */
static void filter_rows_chunk(const conv_job *j, long lo, long hi, int thread, float *out) {
  const ck_conv_info *g = j->g;
  const int MR = j->isa->mr, NR = j->isa->nr;
  const long OC = g->outC, C = g->inC, KC = depth(g);
  long span = hi - lo < FILTER_ROWS_KC ? hi - lo : FILTER_ROWS_KC;
  const float **corners = pointer_scratch(thread, span);
  float *bpack = ck_scratch(thread, &packed_b_scratch, (size_t)span * NR);
  if (!corners || !bpack) return;
  for (long p0 = lo; p0 < hi; p0 += FILTER_ROWS_KC) {
    long kc = hi - p0 < FILTER_ROWS_KC ? hi - p0 : FILTER_ROWS_KC;
    cursor cur = cursor_at(g, p0);
    for (long q = 0; q < kc; q++, cursor_next(g, &cur))
      corners[q] = j->x + ((cur.n * g->inH + cur.oh * g->strideH) * g->inW + cur.ow * g->strideW) * C;
    for (long jr = 0; jr < OC; jr += NR) {
      int n = (int)(OC - jr < NR ? OC - jr : NR);
      /* Packed contiguous: read in place, dy rows sit OC floats apart and share few L1 sets. */
      ck_plain src = {j->dy + p0 * OC, OC};
      ck_pack_kmajor(&src, jr, n, 0, (int)kc, NR, bpack);
      for (long k0 = 0; k0 < KC; k0 += MR) {
        int m = (int)(KC - k0 < MR ? KC - k0 : MR);
        j->isa->conv_wgrad_rows((int)kc, corners, j->row_off + k0, bpack, NR, out + k0 * OC + jr, OC, m, n, p0 > lo);
      }
    }
  }
}


static void filter_block(const conv_job *j, long lo, long kc, const float **table, float *bpack, float *out, int acc);

static void filter_chunk_task(void *ctx, int task, int thread) {
  const conv_job *j = ctx;
  const ck_conv_info *g = j->g;
  const int NR = j->isa->nr, taps = (int)(g->kH * g->kW);
  const long P = positions(g), KC = depth(g), OC = g->outC;
  long lo = task * j->chunk, hi = lo + j->chunk < P ? lo + j->chunk : P;
  float *out = j->nchunks == 1 ? j->out : j->partials + task * KC * OC;
  if (j->row_off) {
    filter_rows_chunk(j, lo, hi, thread, out);
    return;
  }
  /* Depth blocks of at most FILTER_KC positions keep the block's working set
     in L1: its pointer table (FILTER_KC x taps), the packed dy panel
     (FILTER_KC x NR floats) and the input pixel lines the tiles revisit once
     per channel tile. At 256 positions this was ~47 KB for the lab CNN's conv2
     (L1 is 32 KB) and ran ~20% slower. Later blocks add to the first, in block
     order, so the sum order depends on the shape alone. */
  long span = hi - lo < FILTER_KC ? hi - lo : FILTER_KC;
  const float **table = pointer_scratch(thread, span * taps);
  float *bpack = ck_scratch(thread, &packed_b_scratch, (size_t)span * NR);
  if (!table || !bpack) return;
  for (long p0 = lo; p0 < hi; p0 += FILTER_KC) {
    long kc = hi - p0 < FILTER_KC ? hi - p0 : FILTER_KC;
    filter_block(j, p0, kc, table, bpack, out, p0 > lo);
  }
}

static void filter_block(const conv_job *j, long lo, long kc, const float **table, float *bpack, float *out, int acc) {
  const ck_conv_info *g = j->g;
  const int MR = j->isa->mr, NR = j->isa->nr, taps = (int)(g->kH * g->kW);
  const long OC = g->outC, C = g->inC;
  cursor cur = cursor_at(g, lo);
  for (long q = 0; q < kc; q++, cursor_next(g, &cur)) tap_pointers(j, &cur, table + q * taps, 1);
  const float *dy = j->dy + lo * OC;
  for (long jr = 0; jr < OC; jr += NR) {
    int n = (int)(OC - jr < NR ? OC - jr : NR);
    const float *b = dy + jr;
    long ldb = OC;
    /* Copy the dy panel contiguous when many microkernel calls reuse it (C > 1):
       read in place, its rows sit OC floats apart (256 B for OC=64), which maps
       them onto a quarter of the L1 sets and evicts the panel between calls.
       The last, partial panel is always copied so full-width loads stay inside dy. */
    if (n < NR || C > 1) {
      ck_plain src = {dy, OC};
      ck_pack_kmajor(&src, jr, n, 0, (int)kc, NR, bpack);
      b = bpack;
      ldb = NR;
    }
    if (C == 1) {
      for (int t0 = 0; t0 < taps; t0 += MR) {
        int m = taps - t0 < MR ? taps - t0 : MR;
        j->isa->conv_wgrad((int)kc, table + t0, taps, 0, 1, b, ldb, out + t0 * OC + jr, OC, m, n, acc);
      }
    } else {
      /* Rows are (tap, channel) pairs, MR channels of one tap per tile. When C
         is not a multiple of MR, the last C % MR channels of every tap would
         each take a mostly empty tile (C=32, MR=6: 54 tiles for 48 tiles'
         worth of rows); instead they are tiled across taps (rows = taps
         t0.., one channel, dw rows C*OC apart), which needs fewer tiles.
         Each dw element is still one accumulator summed over the same
         positions in the same order, so results are unchanged. With C < MR
         (an RGB input layer: C=3, MR=6) every channel goes across taps: 6
         full tiles instead of 9 half-empty ones (the first conv of
         bench/modern-cnn.ts; test/backend conv filter-gradient cases with
         C=3 check it against the reference). */
      long rem = C % MR, c_full = C - rem;
      long across = rem * ((taps + MR - 1) / MR);
      if (rem == 0 || across >= taps) c_full = C; /* no fewer tiles: plain tiling */
      for (int t = 0; t < taps; t++) {
        for (long c0 = 0; c0 < c_full; c0 += MR) {
          int m = (int)(c_full - c0 < MR ? c_full - c0 : MR);
          j->isa->conv_wgrad((int)kc, table + t, taps, (int)c0, 0, b, ldb, out + (t * C + c0) * OC + jr, OC, m, n, acc);
        }
      }
      for (long ch = c_full; ch < C; ch++) {
        for (int t0 = 0; t0 < taps; t0 += MR) {
          int m = taps - t0 < MR ? taps - t0 : MR;
          j->isa->conv_wgrad((int)kc, table + t0, taps, (int)ch, 1, b, ldb, out + (t0 * C + ch) * OC + jr, C * OC, m, n, acc);
        }
      }
    }
  }
}

/* Single-channel path: chunks are whole output rows (conv-c1.c). */
static void filter_c1_task(void *ctx, int task, int thread) {
  const conv_job *j = ctx;
  float *out = j->nchunks == 1 ? j->out : j->partials + task * depth(j->g) * j->g->outC;
  ck_conv_c1_filter_chunk(j->x, j->dy, j->g, j->chunk, task, thread, out);
}

/* dw[i] = sum of chunk partials in chunk order; threads split i, not the sum. */
static void filter_reduce_range(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const conv_job *j = ctx;
  const long total = depth(j->g) * j->g->outC;
  memcpy(j->out + lo, j->partials + lo, (size_t)(hi - lo) * sizeof(float));
  for (long c = 1; c < j->nchunks; c++) {
    const float *p = j->partials + c * total;
    for (long i = lo; i < hi; i++) j->out[i] += p[i];
  }
}

void ck_conv2d_backprop_filter(const float *x, const float *dy, float *dw, const ck_conv_info *g) {
  conv_job j = {.isa = ck_isa()->gemm, .g = g, .x = x, .dy = dy, .out = dw};
  long P = positions(g), KC = depth(g);
  if (P == 0) {
    memset(dw, 0, (size_t)KC * g->outC * sizeof(float));
    return;
  }
  if (ck_winograd_applies(g)) {
    ck_conv2d_backprop_filter_winograd(x, dy, dw, g);
    return;
  }
  /* At most 32 chunks of at least 256 positions: a count that depends only on
     the shape keeps results identical for every thread count. */
  j.nchunks = (P + 255) / 256;
  if (j.nchunks > 32) j.nchunks = 32;
  /* The single-channel path splits whole output rows; j.chunk then counts rows. */
  int c1 = ck_conv_c1_applies(g);
  long units = c1 ? g->batch * g->outH : P;
  if (j.nchunks > units) j.nchunks = units;
  j.chunk = (units + j.nchunks - 1) / j.nchunks;
  j.nchunks = (units + j.chunk - 1) / j.chunk;
  if (j.nchunks > 1) {
    j.partials = ck_scratch(0, &partial_sums_scratch, (size_t)j.nchunks * KC * g->outC);
    if (!j.partials) return;
  }
  if (g->kH * g->kW > 64) {
    /* Kernels with more than 64 taps: packed GEMM over the transposed im2col packer. */
    ck_im2col col = {x, g, 0};
    ck_plain d = {dy, g->outC};
    ck_operand A = {ck_pack_im2col_t, &col}, B = {ck_pack_kmajor, &d};
    ck_gemm_serial(j.isa, 0, KC, g->outC, P, A, B, dw, g->outC, 0);
    return;
  }
  if (c1) {
    ck_pool_run((int)j.nchunks, filter_c1_task, &j);
  } else {
    j.zeros = zero_channels(g->inC);
    if (!j.zeros) return;
    init_tap_offsets(&j);
    if (j.isa->conv_wgrad_rows && windows_inside(g) && j.tap_offset[g->kH * g->kW - 1] + g->inC < INT_MAX) {
      /* Row offsets, padded to whole tiles by repeating the last (rows past m are computed, never stored). */
      long rows = round_up(KC, j.isa->mr);
      int *row_off = (int *)ck_scratch(0, &row_offsets_scratch, (size_t)rows);
      if (!row_off) return;
      for (long k = 0; k < rows; k++) {
        long kk = k < KC ? k : KC - 1;
        row_off[k] = (int)(j.tap_offset[kk / g->inC] + kk % g->inC);
      }
      j.row_off = row_off;
    }
    ck_pool_run((int)j.nchunks, filter_chunk_task, &j);
  }
  if (j.nchunks > 1) {
    ck_pool_for(KC * g->outC, ck_pool_tasks((double)KC * g->outC * j.nchunks, 65536), 16, filter_reduce_range, &j);
  }
}
