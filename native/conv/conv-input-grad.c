/*
 * Convolution input gradient: dx[N,H,W,C] from dy[P,OC] (P = N*OH*OW) and
 * w[KC,OC] (KC = KH*KW*C), i.e. dcol[P,KC] = dy . w^T followed by col2im.
 * dcol is never stored: each MR x NR tile of it is computed in registers by
 * the forward-conv microkernel (one "tap" of OC channels: a row is a dy row,
 * read in place through a pointer), then added straight into dx (fused
 * col2im). w^T is packed once per call, shared read-only by all tasks.
 * Before, dcol blocks of ~512 x 288 floats went through L3 and back and w^T
 * was repacked per block.
 * Threads split images; within an image the order of the additions into dx
 * is fixed by the shape (position blocks from the image start, then column
 * panels, then rows), so dx does not depend on the thread count.
 */
#include "convkit.h"
#include "winograd/winograd.h"

#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot flipped_w_scratch; /* the kernel flipped and transposed */
static ck_scratch_slot packed_w_scratch; /* the flipped kernel packed in NR-column panels */
static ck_scratch_slot zeros_scratch; /* zeros where a window leaves the image */

#define TILE_MAX (16 * 64) /* >= MR * NR of every ISA path */
#define MAX_BLOCK 256     /* positions per block, at most */

typedef struct {
  const ck_gemm_isa *isa;
  const ck_conv_info *g;
  const float *dy, *wt, *zeros;
  float *dx;
} input_job;

/* Window corner (ih0, iw0) of each position of a block, computed once per block (no divisions per tile). */
typedef struct {
  long ih0, iw0;
} corner;

/* dx += tile rows i < m (positions with corners at[i]), columns jr.. of dcol (tap, channel), element by element. */
static void scatter_tile(const ck_conv_info *g, const float *tile, int NR, float *dxn, const corner *at, int m, long jr, int ncols) {
  const long C = g->inC, KW = g->kW;
  for (int i = 0; i < m; i++) {
    const float *row = tile + i * NR;
    for (int q = 0; q < ncols; q++) {
      long k = jr + q, t = k / C, c = k % C, ih = at[i].ih0 + t / KW, iw = at[i].iw0 + t % KW;
      if (ih >= 0 && ih < g->inH && iw >= 0 && iw < g->inW) dxn[(ih * g->inW + iw) * C + c] += row[q];
    }
  }
}

/* Images n in [lo, hi). */
static void input_images(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const input_job *j = ctx;
  const ck_conv_info *g = j->g;
  const int MR = j->isa->mr, NR = j->isa->nr;
  const long plane = g->outH * g->outW, OC = g->outC, KC = g->kH * g->kW * g->inC, image = g->inH * g->inW * g->inC;
  memset(j->dx + lo * image, 0, (size_t)(hi - lo) * image * sizeof(float));
  if (plane == 0 || KC == 0 || OC == 0) return;
  /* Position blocks whose dy rows (block x OC floats, ~32 KB) stay in L1/L2
     while every column panel of w^T streams past them. */
  long block = 4096 / OC / MR * MR;
  if (block < MR) block = MR;
  if (block > MAX_BLOCK) block = MAX_BLOCK / MR * MR;
  corner at[MAX_BLOCK];
  const long C = g->inC;
  const float *rows[64];
  float *out[64];
  float tile[TILE_MAX];
  for (long n = lo; n < hi; n++) {
    const float *dyn = j->dy + n * plane * OC;
    float *dxn = j->dx + n * image;
    for (long b0 = 0; b0 < plane; b0 += block) {
      long bl = plane - b0 < block ? plane - b0 : block;
      for (long i = 0; i < bl; i++) {
        long p = b0 + i;
        at[i].ih0 = p / g->outW * g->strideH - g->padTop;
        at[i].iw0 = p % g->outW * g->strideW - g->padLeft;
      }
      for (long jr = 0; jr < KC; jr += NR) {
        int ncols = (int)(KC - jr < NR ? KC - jr : NR);
        const float *bp = j->wt + (jr / NR) * OC * NR;
        const long t0 = jr / C, c0 = jr % C, kh = t0 / g->kW, kw = t0 % g->kW;
        const int one_tap = c0 + ncols <= C;
        for (long ir = 0; ir < bl; ir += MR) {
          int m = (int)(bl - ir < MR ? bl - ir : MR);
          for (int i = 0; i < MR; i++) rows[i] = i < m ? dyn + (b0 + ir + i) * OC : j->zeros;
          if (one_tap) {
            /* The panel is channels c0.. of one tap: each row adds one run of channels. */
            for (int i = 0; i < MR; i++) {
              long ih = i < m ? at[ir + i].ih0 + kh : -1, iw = i < m ? at[ir + i].iw0 + kw : -1;
              out[i] = ih >= 0 && ih < g->inH && iw >= 0 && iw < g->inW ? dxn + (ih * g->inW + iw) * C + c0 : NULL;
            }
            j->isa->conv_fwd_add(1, (int)OC, rows, bp, out, ncols);
          } else {
            j->isa->conv_fwd(1, (int)OC, rows, bp, tile, NR, MR, NR, 0);
            scatter_tile(g, tile, NR, dxn, at + ir, m, jr, ncols);
          }
        }
      }
    }
  }
}

/*
 * For a stride-1 convolution, dx is itself a stride-1 convolution: of dy,
 * padded by k - 1 - pad on each side, with the kernel turned 180 degrees and
 * its channel axes swapped (w'[kh][kw][oc][c] = w[KH-1-kh][KW-1-kw][c][oc]).
 * For 3x3 kernels that convolution runs as Winograd F(2x2, 3x3) (winograd.c):
 * 16 instead of 36 multiplies per 2x2 outputs, with the GEMM depth OC. Returns
 * 0 when the shape does not suit it.
 */
static int backprop_input_winograd(const float *dy, const float *w, float *dx, const ck_conv_info *g) {
  ck_conv_info t = {.batch = g->batch, .inH = g->outH, .inW = g->outW, .inC = g->outC,
                    .outH = g->inH, .outW = g->inW, .outC = g->inC, .kH = g->kH, .kW = g->kW,
                    .strideH = 1, .strideW = 1, .padTop = g->kH - 1 - g->padTop, .padLeft = g->kW - 1 - g->padLeft};
  if (g->strideH != 1 || g->strideW != 1 || t.padTop < 0 || t.padLeft < 0 || !ck_winograd_applies(&t)) return 0;
  const long C = g->inC, OC = g->outC, KH = g->kH, KW = g->kW;
  float *flipped = ck_scratch(0, &flipped_w_scratch, (size_t)(KH * KW * C * OC));
  if (!flipped) return 1; /* out of memory: recorded by ck_scratch, thrown by addon.c */
  for (long kh = 0; kh < KH; kh++)
    for (long kw = 0; kw < KW; kw++) {
      const float *src = w + ((KH - 1 - kh) * KW + (KW - 1 - kw)) * C * OC;
      float *dst = flipped + (kh * KW + kw) * OC * C;
      for (long c = 0; c < C; c++)
        for (long oc = 0; oc < OC; oc++) dst[oc * C + c] = src[c * OC + oc];
    }
  ck_conv2d_winograd(dy, flipped, dx, &t, NULL, -1);
  return 1;
}

void ck_conv2d_backprop_input(const float *dy, const float *w, float *dx, const ck_conv_info *g) {
  if (backprop_input_winograd(dy, w, dx, g)) return;
  input_job j = {.isa = ck_isa()->gemm_rows, .g = g, .dy = dy, .dx = dx};
  const long OC = g->outC, KC = g->kH * g->kW * g->inC, NR = j.isa->nr;
  if (j.isa->mr * j.isa->nr > TILE_MAX || j.isa->mr > 64) return; /* cannot happen: fixed ISA tables */
  if (OC > 0 && KC > 0) {
    /* w^T as column panels: panel jr holds w[jr..jr+NR, oc] laid out [oc][NR], zero-padded. */
    float *wt = ck_scratch(0, &packed_w_scratch, (size_t)((KC + NR - 1) / NR * NR * OC));
    float *zeros = ck_scratch(0, &zeros_scratch, (size_t)OC);
    if (!wt || !zeros) return;
    memset(zeros, 0, (size_t)OC * sizeof(float));
    ck_plain src = {w, OC};
    ck_pack_rmajor(&src, 0, (int)KC, 0, (int)OC, (int)NR, wt);
    j.wt = wt;
    j.zeros = zeros;
  }
  double flops = 2.0 * g->batch * g->outH * g->outW * KC * OC;
  int parts = ck_pool_tasks(flops, 2e6);
  if (parts > g->batch) parts = (int)(g->batch > 0 ? g->batch : 1);
  ck_pool_for(g->batch, parts, 1, input_images, &j);
}
