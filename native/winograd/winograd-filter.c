/*
 * Filter gradient of a 3x3 stride-1 convolution by Winograd F(2x2, 3x3).
 * The forward pass computes each 2x2 output block as y = A^T (U (.) V) A with
 * U = G g G^T and V = B^T d B, which is linear in g; so its gradient is
 *   dL/dg = G^T [ sum over tiles of V (.) (A dy A^T) ] G,
 * and the sum over tiles, for each of the 16 transform positions xi, is a GEMM
 * Mw[xi][oc][c] = sum_t Y[xi][t][oc] . V[xi][t][c] whose depth is the tile
 * count: 16 multiplies per tile, channel and filter instead of 36.
 *
 * Tiles whose output gradient is zero in every channel are skipped (they
 * add exact zeros); under a max pool that is every tile outside the pool
 * windows and every window no gradient reaches.
 *
 * Determinism: tiles are cut into a shape-only number of chunks; each chunk
 * sums its tiles in order into its own Mw, the chunks are added in chunk
 * order, and G^T . G is applied once at the end. No sum depends on the thread
 * count.
 */
#include "winograd/winograd.h"
#include "winograd/winograd-transforms.h"

#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot partial_sums_scratch; /* per chunk: dw sums, added in chunk order */
static ck_scratch_slot row_offsets_scratch; /* offsets of dw rows */
static ck_scratch_slot row_pointers_scratch; /* pointers to a block's rows */
static ck_scratch_slot v_block_scratch; /* a block of transformed input tiles */
static ck_scratch_slot y_block_scratch; /* a block of transformed output gradients */
static ck_scratch_slot zeros_scratch; /* zeros where a patch leaves the image */

/* Tiles per block: the GEMM depth of one microkernel call. V (16 x 64 x C)
   and Y (16 x 64 x OC) of a block stay in L2; 32, 64 and 96 measured alike. */
#define FILTER_TILES_PER_BLOCK 64
/* Chunks of tiles summed separately (fixed by the shape): enough tasks for
   every thread; each chunk's Mw (16 x OC x C floats) is added at the end. */
#define MAX_CHUNKS 8

typedef struct {
  const ck_gemm_isa *isa;
  const ck_wg_transforms *transforms;
  const ck_conv_info *g;
  const float *x, *dy, *zeros;
  const int *row_off; /* oc0 + i for the row tiles, clamped to OC - 1 */
  float *partials;    /* nchunks x 16 x OC x C */
  long tiles_w, tiles_per_image, tiles, chunk, nchunks;
} wf_job;

/*
 * Mw[xi][oc][c] (+)= sum over the block's nt tiles of Y[xi][t][oc] V[xi][t][c]:
 * y row-major [xi][tile][OC] (plane stride ys), v in NR-channel panels
 * [xi][panel][tile][NR] of tb tiles (plane stride vs); rows: nt pointers of scratch.
 */
static void filter_gemm(const ck_gemm_isa *isa, const float *y, long ys, const float *v, long vs, int tb, int nt,
                        const float **rows, const int *row_off, float *mw, long C, long OC, int accumulate) {
  const int MR = isa->mr, NR = isa->nr;
  for (int xi = 0; xi < 16; xi++) {
    const float *yx = y + (long)xi * ys, *vx = v + (long)xi * vs;
    for (int k = 0; k < nt; k++) rows[k] = yx + (long)k * OC;
    for (long oc0 = 0; oc0 < OC; oc0 += MR) {
      int m = (int)(OC - oc0 < MR ? OC - oc0 : MR);
      for (long jr = 0; jr < C; jr += NR) {
        int n = (int)(C - jr < NR ? C - jr : NR);
        isa->conv_wgrad_rows(nt, rows, row_off + oc0, vx + (jr / NR) * tb * NR, NR,
                             mw + ((long)xi * OC + oc0) * C + jr, C, m, n, accumulate);
      }
    }
  }
}

static void chunk_task(void *ctx, int task, int thread) {
  const wf_job *j = ctx;
  const ck_conv_info *g = j->g;
  const ck_gemm_isa *isa = j->isa;
  const int NR = isa->nr, TB = FILTER_TILES_PER_BLOCK;
  const long C = g->inC, OC = g->outC, H = g->inH, W = g->inW, OH = g->outH, OW = g->outW;
  const long cpanels = (C + NR - 1) / NR;
  long lo = task * j->chunk, hi = lo + j->chunk < j->tiles ? lo + j->chunk : j->tiles;
  float *mw = j->partials + task * 16 * OC * C;
  /* V in NR-channel panels [xi][panel][tile][NR] (the GEMM's packed B); Y row-major [xi][tile][OC]. */
  const long vs = ck_wg_stride(cpanels * TB * NR), ys = ck_wg_stride(TB * OC);
  float *v = ck_scratch(thread, &v_block_scratch, (size_t)16 * vs);
  float *y = ck_scratch(thread, &y_block_scratch, (size_t)16 * ys);
  const float **rows = (const float **)ck_scratch(thread, &row_pointers_scratch, (size_t)TB * sizeof(void *) / sizeof(float) + 1);
  if (!v || !y || !rows) return;
  const ck_wg_transforms *T = j->transforms;
  /* Channels past C in the last panel are read by full-width loads and never stored: keep them finite. */
  memset(v, 0, (size_t)16 * vs * sizeof(float));
  /* A chunk's first block overwrites Mw; a chunk whose tiles were all skipped leaves it zero. */
  memset(mw, 0, (size_t)16 * OC * C * sizeof(float));
  int blocks = 0;
  for (long tile = lo; tile < hi;) {
    /* Gather up to TB tiles whose output gradient is not all zero: the others add nothing.
       Under a 2x2 max pool that is every tile outside the pool windows (an odd last row or
       column of the conv output) and every window whose gradient is zero in all channels. */
    int nt = 0;
    for (; tile < hi && nt < TB; tile++) {
      const ck_wg_tile t = ck_wg_tile_at(tile, j->tiles_per_image, j->tiles_w);
      const float *q[4];
      int live = 0;
      for (int r = 0; r < 4; r++) {
        long yy = t.oy + r / 2, xx = t.ox + r % 2;
        q[r] = yy < OH && xx < OW ? j->dy + ((t.n * OH + yy) * OW + xx) * OC : j->zeros;
        for (long oc = 0; oc < OC && !live; oc++) live = q[r][oc] != 0.0f;
      }
      if (!live) continue;
      const float *p[16];
      ck_wg_patch(j->x + t.n * H * W * C, H, W, C, t.oy - g->padTop, t.ox - g->padLeft, j->zeros, p);
      T->input(p, v + nt * NR, vs, NR, TB * NR, C);
      T->dy(q, y + nt * OC, ys, OC);
      nt++;
    }
    if (nt == 0) continue;
    filter_gemm(isa, y, ys, v, vs, TB, nt, rows, j->row_off, mw, C, OC, blocks++ > 0);
  }
}

/* The chunks' Mw, added and turned into dw by filter_finish. */
typedef struct {
  float *partials; /* nchunks x 16 x OC x C */
  float *dw;
  long C, OC;
} wf_finish;

/* dw[kh][kw][c][oc] = (G^T M[.][oc][c] G)[kh][kw]. */
static void finish_range(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const wf_finish *j = ctx;
  const long C = j->C, OC = j->OC, plane = OC * C;
  for (long e = lo; e < hi; e++) {
    long oc = e / C, c = e % C;
    float t[3][4], r[3][3];
    /* Rows: G^T M, G^T = [[1, .5, .5, 0], [0, .5, -.5, 0], [0, .5, .5, 1]]. */
    for (int s = 0; s < 4; s++) {
      float m0 = j->partials[s * plane + e], m1 = j->partials[(4 + s) * plane + e];
      float m2 = j->partials[(8 + s) * plane + e], m3 = j->partials[(12 + s) * plane + e];
      t[0][s] = m0 + 0.5f * (m1 + m2);
      t[1][s] = 0.5f * (m1 - m2);
      t[2][s] = 0.5f * (m1 + m2) + m3;
    }
    /* Columns: (G^T M) G. */
    for (int i = 0; i < 3; i++) {
      r[i][0] = t[i][0] + 0.5f * (t[i][1] + t[i][2]);
      r[i][1] = 0.5f * (t[i][1] - t[i][2]);
      r[i][2] = 0.5f * (t[i][1] + t[i][2]) + t[i][3];
    }
    for (int k = 0; k < 9; k++) j->dw[(k * C + c) * OC + oc] = r[k / 3][k % 3];
  }
}

/* dw = G^T (sum of the nchunks partial Mw, in chunk order) G; partials is overwritten. */
static void filter_finish(float *partials, long nchunks, float *dw, long C, long OC) {
  wf_finish f = {.partials = partials, .dw = dw, .C = C, .OC = OC};
  ck_add_partials(partials, nchunks, 16 * OC * C); /* M = the chunks' Mw, in chunk 0's */
  ck_pool_for(OC * C, ck_pool_tasks((double)OC * C * 16, 65536), 1, finish_range, &f);
}

void ck_conv2d_backprop_filter_winograd(const float *x, const float *dy, float *dw, const ck_conv_info *g) {
  wf_job j = {.isa = ck_isa()->gemm_rows, .transforms = ck_isa()->winograd, .g = g, .x = x, .dy = dy};
  const long C = g->inC, OC = g->outC, MR = j.isa->mr;
  j.tiles_w = (g->outW + 1) / 2;
  j.tiles_per_image = ((g->outH + 1) / 2) * j.tiles_w;
  j.tiles = g->batch * j.tiles_per_image;
  j.nchunks = (j.tiles + FILTER_TILES_PER_BLOCK - 1) / FILTER_TILES_PER_BLOCK;
  if (j.nchunks > MAX_CHUNKS) j.nchunks = MAX_CHUNKS;
  j.chunk = (j.tiles + j.nchunks - 1) / j.nchunks;
  j.nchunks = (j.tiles + j.chunk - 1) / j.chunk;
  long widest = C > OC ? C : OC, rows = (OC + MR - 1) / MR * MR;
  float *partials = ck_scratch(0, &partial_sums_scratch, (size_t)j.nchunks * 16 * OC * C);
  float *zeros = ck_scratch(0, &zeros_scratch, (size_t)widest);
  int *row_off = (int *)ck_scratch(0, &row_offsets_scratch, (size_t)rows);
  if (!partials || !zeros || !row_off) return; /* out of memory: recorded by ck_scratch, thrown by addon.c */
  memset(zeros, 0, (size_t)widest * sizeof(float));
  for (long k = 0; k < rows; k++) row_off[k] = (int)(k < OC ? k : OC - 1);
  j.partials = partials;
  j.zeros = zeros;
  j.row_off = row_off;
  ck_pool_run((int)j.nchunks, chunk_task, &j);
  filter_finish(partials, j.nchunks, dw, C, OC);
}
