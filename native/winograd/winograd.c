/*
 * Winograd F(2x2, 3x3) forward convolution (Lavin & Gray, "Fast Algorithms
 * for Convolutional Neural Networks", CVPR 2016) for 3x3 kernels at stride 1.
 * Each 2x2 block of outputs ("tile") comes from a 4x4 input patch d:
 *   y = A^T [ (G g G^T) (.) (B^T d B) ] A
 * and the element-wise product, summed over input channels, is 16 independent
 * GEMMs M[xi] = V[xi] . U[xi] (tiles x C times C x OC). That takes 16 multiplies
 * per tile, channel and filter instead of 36: 2.25x fewer (about 1.9x for the
 * lab CNN's 11x11 conv2 output, whose last tile row and column are half
 * outside). The transforms are additions only.
 *
 * Results differ from direct convolution by rounding (the transforms add and
 * subtract inputs before the products); F(2x2, 3x3) is the variant with the
 * smallest such error. setWinograd(0) (or CONVKIT_WINOGRAD=0 at load) selects
 * direct convolution.
 *
 * Threads split tiles; every output depends on its own tile's work only, so
 * results do not depend on the thread count.
 */
#include "winograd/winograd.h"
#include "fused/pool-window.h"
#include "winograd/winograd-transforms.h"
#include "runtime/why-not.h"

#include <stdlib.h>
#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot m_block_scratch; /* a block of transformed products */
static ck_scratch_slot sink_row_scratch; /* where outputs past the image are written */
static ck_scratch_slot v_block_scratch; /* a block of transformed input tiles */

/* Tiles per block, a multiple of every ISA's MR (4, 6, 12). Each value is
   written by a transform and read back by the GEMMs, so the block's V
   (16 x 24 x C floats) and M (16 x 24 x OC floats) should stay close: 12 and
   24 measured alike on the lab CNN's conv2 and its input gradient, 48 and
   96 10-20% slower. */
#define TILES_PER_BLOCK 24

/* Set once at load from CONVKIT_WINOGRAD (ck_winograd_init_from_env), then only by setWinograd. */
static int winograd_tile = 5;

int ck_winograd_tile(void) { return winograd_tile; }

int ck_winograd_set_tile(int tile) {
  if (tile != 0 && tile != 2 && tile != 5) return 0;
  winograd_tile = tile;
  return 1;
}

void ck_winograd_init_from_env(void) {
  const char *env = getenv("CONVKIT_WINOGRAD");
  if (env && (env[0] == '0' || env[0] == '2') && env[1] == '\0') winograd_tile = env[0] - '0';
}

/* 3x3, stride 1, at least 4 input channels, something to compute. */
const char *ck_winograd_shape_why_not(const ck_conv_info *g, char *why, size_t len) {
  const char *shared = ck_fused_3x3_why_not(g, why, len);
  if (!shared) shared = ck_fused_stride_why_not(g, why, len);
  if (shared) return shared;
  if (g->inC < 4) return ck_why_not(why, len, "Winograd needs at least 4 input channels; this conv has %ld", g->inC);
  if (g->outH <= 0 || g->outW <= 0 || g->outC <= 0 || g->batch <= 0) return ck_why_not(why, len, "the conv output is empty");
  return NULL;
}

int ck_winograd_shape(const ck_conv_info *g) { return ck_winograd_shape_why_not(g, NULL, 0) == NULL; }

int ck_winograd_applies(const ck_conv_info *g) { return ck_winograd_shape(g) && ck_winograd_tile() != 0; }

typedef struct {
  const ck_gemm_isa *isa;
  const ck_wg_transforms *transforms;
  const ck_conv_info *g;
  const float *x, *u, *zeros, *bias;
  float *y;
  int act; /* applied inline when linear/relu; others after the whole conv */
  /* Pooled mode (ck_conv_relu_pool_winograd_f2): each tile is one 2x2 pool window and y
     the pooled output [N, PH, PW, OC]; tiles past the pooled area are not computed. */
  const ck_pool_info *pool;
  int32_t *argmax;
  long tiles_w, tiles_per_image, tiles;
  long oc_padded;
} wg_job;

/* 1 when all 16 pixels of the patch are zero in every channel (padding pixels point at `zeros`). */
static int patch_is_zero(const float *const *p, const float *zeros, long C) {
  for (int i = 0; i < 16; i++) {
    if (p[i] == zeros) continue;
    for (long c = 0; c < C; c++)
      if (p[i][c] != 0.0f) return 0;
  }
  return 1;
}

/* out[q] = the output row of the tile's window position q, or `edge` where it lies past the image. */
static void tile_outputs(const wg_job *j, ck_wg_tile t, float *edge, float *out[4]) {
  const ck_conv_info *g = j->g;
  for (int q = 0; q < 4; q++) {
    long yy = t.oy + q / 2, xx = t.ox + q % 2;
    out[q] = yy < g->outH && xx < g->outW ? j->y + ((t.n * g->outH + yy) * g->outW + xx) * g->outC : edge;
  }
}

/* The outputs of a tile with a zero input patch (no bias, no pool): zero. */
static void write_zero_tile(const wg_job *j, ck_wg_tile t) {
  float *out[4];
  tile_outputs(j, t, NULL, out);
  for (int q = 0; q < 4; q++)
    if (out[q]) memset(out[q], 0, (size_t)j->g->outC * sizeof(float));
}

/* Tiles in [lo, hi), in blocks of TILES_PER_BLOCK. */
static void tile_range(void *ctx, long lo, long hi, int thread) {
  const wg_job *j = ctx;
  const ck_conv_info *g = j->g;
  const ck_gemm_isa *isa = j->isa;
  const int TB = TILES_PER_BLOCK;
  const long C = g->inC, OC = g->outC, H = g->inH, W = g->inW;
  const long vs = ck_wg_stride(TB * C), ms = ck_wg_stride(TB * OC);
  float *v = ck_scratch(thread, &v_block_scratch, (size_t)16 * vs);
  float *m = ck_scratch(thread, &m_block_scratch, (size_t)16 * ms);
  /* Where the outputs of a tile past the image edge go (odd output sizes). */
  float *sink = ck_scratch(thread, &sink_row_scratch, (size_t)OC);
  if (!v || !m || !sink) return;
  const ck_wg_transforms *T = j->transforms;
  /* Without a bias or a pool, a tile whose input patch is zero in every channel has zero
     outputs (relu and linear keep 0; sigmoid and tanh run after, over all of y): it is
     written as zeros and kept out of the GEMMs. The input gradient (a convolution of a
     zero-padded, max-pooled gradient) has many. */
  const int skip_zero = !j->bias && !j->pool;
  long tile_of[TILES_PER_BLOCK];
  for (long next = lo; next < hi;) {
    int nt = 0;
    for (; next < hi && nt < TB; next++) {
      const ck_wg_tile t = ck_wg_tile_at(next, j->tiles_per_image, j->tiles_w);
      /* On an image's first tile, ask for the next image (into L2): the patches' 16 scattered
         rows are no stream the hardware prefetcher follows, and the input transform stalled on
         every first touch of a line. */
      if (t.oy == 0 && t.ox == 0 && t.n + 1 < g->batch) {
        const char *next_image = (const char *)(j->x + (t.n + 1) * H * W * C);
        for (long b = 0; b < H * W * C * (long)sizeof(float); b += 64) __builtin_prefetch(next_image + b, 0, 2);
      }
      const float *p[16];
      ck_wg_patch(j->x + t.n * H * W * C, H, W, C, t.oy - g->padTop, t.ox - g->padLeft, j->zeros, p);
      if (skip_zero && patch_is_zero(p, j->zeros, C)) {
        write_zero_tile(j, t);
        continue;
      }
      /* One panel holding all C channels: V[xi][tile][c]. */
      T->input(p, v + nt * C, vs, C, 0, C);
      tile_of[nt++] = next;
    }
    if (nt == 0) continue;
    for (int xi = 0; xi < 16; xi++)
      ck_panel_gemm(isa, nt, (int)OC, (int)C, v + (long)xi * vs, C, j->u + (long)xi * C * j->oc_padded, m + (long)xi * ms, OC);
    for (int k = 0; k < nt; k++) {
      const long tile = tile_of[k];
      const ck_wg_tile t = ck_wg_tile_at(tile, j->tiles_per_image, j->tiles_w);
      if (j->pool) {
        /* Pooled mode: tile = pooled output index, and its window is the tile. */
        long base[4];
        for (int q = 0; q < 4; q++) base[q] = ck_window_index(g, t.n, t.oy / 2, t.ox / 2, q);
        T->output_pool(m + k * OC, ms, j->y + tile * OC, j->argmax ? j->argmax + tile * OC : NULL, base, j->bias, OC);
      } else {
        float *out[4];
        tile_outputs(j, t, sink, out);
        T->output(m + k * OC, ms, out, j->bias, j->act == CK_ACT_RELU, OC);
      }
    }
  }
}

/* Weights transformed, zeros ready: 0 on allocation failure (recorded by ck_scratch, thrown by addon.c). */
static int prepare(wg_job *j, const float *w) {
  j->u = ck_wg_weights(w, j->g, j->isa, 2, &j->oc_padded);
  j->zeros = ck_wg_zeros(j->g->inC);
  return j->u && j->zeros;
}

int ck_conv_relu_pool_winograd_f2(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                                  const ck_conv_info *g, const ck_pool_info *p) {
  if (!ck_winograd_shape(g) || !ck_pool_2x2_after(g, p)) return 0;
  wg_job j = {.isa = ck_isa()->gemm, .transforms = ck_isa()->winograd, .g = g, .x = x, .y = y, .bias = bias, .act = CK_ACT_RELU, .pool = p, .argmax = argmax};
  if (!prepare(&j, w)) return 1;
  /* One tile per pool window; conv outputs in no window (an odd last row or column) are never computed. */
  j.tiles_w = p->outW;
  j.tiles_per_image = p->outH * p->outW;
  j.tiles = g->batch * j.tiles_per_image;
  ck_pool_for(j.tiles, ck_pool_tasks(2.0 * j.tiles * 16 * g->inC * g->outC, 1e6), TILES_PER_BLOCK, tile_range, &j);
  return 1;
}

void ck_conv2d_winograd(const float *x, const float *w, float *y, const ck_conv_info *g, const float *bias, int act) {
  wg_job j = {.isa = ck_isa()->gemm, .transforms = ck_isa()->winograd, .g = g, .x = x, .y = y, .bias = bias, .act = act};
  if (!prepare(&j, w)) return;
  j.tiles_w = (g->outW + 1) / 2;
  j.tiles_per_image = ((g->outH + 1) / 2) * j.tiles_w;
  j.tiles = g->batch * j.tiles_per_image;
  /* Inline epilogue: bias always, relu when asked; other activations in one pass after. */
  if (act != CK_ACT_RELU && act != CK_ACT_LINEAR) j.act = -1;
  double flops = 2.0 * j.tiles * 16 * g->inC * g->outC;
  ck_pool_for(j.tiles, ck_pool_tasks(flops, 1e6), TILES_PER_BLOCK, tile_range, &j);
  if (act >= 0 && act != CK_ACT_RELU && act != CK_ACT_LINEAR)
    ck_bias_activation(y, NULL, g->batch * g->outH * g->outW, g->outC, act);
}
