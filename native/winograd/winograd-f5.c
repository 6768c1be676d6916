/*
 * Conv (3x3, stride 1) + bias + relu + 2x2 max pool by Winograd F(5x5, 3x3):
 * each 5x5 block of conv outputs comes from a 7x7 input patch d,
 *   y = A^T [ (G g G^T) (.) (B^T d B) ] A,
 * the element-wise product summed over input channels as 49 GEMMs
 * (tiles x C times C x OC). That is 49 multiplies per tile, channel and filter
 * for 25 outputs: 1.96 per output, against 4 for F(2x2, 3x3) (winograd.c) and
 * 9 for direct convolution. On the lab CNN's second block, whose pool reads a
 * 10x10 conv output, four tiles cover it exactly (F(2x2) takes 25 tiles of 16).
 *
 * The price is rounding: the transforms scale by up to 16 and the points
 * include 2 and 1/2, so results differ from the exact sums by about 2.5e-6 of
 * the output's size where F(2x2) differs by about 2e-7 (a float32 simulation
 * on random relu'd inputs). The test tolerance is the same for both, and the
 * training recipe's accuracy did not move (README, "Training recipe"). setWinograd(2)
 * keeps F(2x2) for every layer and setWinograd(0) turns Winograd off (CONVKIT_WINOGRAD sets either at load).
 *
 * A pool window may straddle two tiles (5 is odd), so each image's tiles write
 * relu'd conv outputs into a per-thread buffer that the pool then reads. Work
 * is split by whole images, blocks of images per GEMM, so results depend on
 * neither the thread count nor the block.
 */
#include "winograd/winograd-f5.h"
#include "fused/pool-window.h"
#include "ops/simd-loops-table.h"
#include "winograd/winograd.h"
#include "winograd/winograd-transforms.h"
#include "runtime/why-not.h"


/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot conv_rows_scratch; /* the conv rows the pool reads */
static ck_scratch_slot m_block_scratch; /* a block of transformed products */
static ck_scratch_slot v_block_scratch; /* a block of transformed input tiles */

/* Tiles per GEMM block (whole images; at least one image). The block's V (49 x tiles x C)
   and M (49 x tiles x OC) are written by the transforms and read back by the GEMMs. */
#define TILES_PER_BLOCK 24
/* Images with more tiles than this stay on F(2x2): their conv buffer and blocks would not stay in L2. */
#define MAX_TILES_PER_IMAGE 36

typedef struct {
  const ck_gemm_isa *isa;
  const ck_wf5_loops *loops;
  const ck_simd_loops *simd; /* its pool_max_2x2 pools the conv buffer */
  const ck_conv_info *g;
  const ck_pool_info *p;
  const float *x, *u, *zeros, *bias;
  float *y;
  int32_t *argmax;
  long ocp, tiles_h, tiles_w, tiles_per_image, images_per_block;
} f5_job;

/* p[r*7+s] = pixel (iy0+r, ix0+s) of image xn (H x W x C), or `zeros` outside it. */
static void patch7(const float *xn, long H, long W, long C, long iy0, long ix0, const float *zeros, const float **p) {
  for (int r = 0; r < 7; r++)
    for (int s = 0; s < 7; s++) {
      long iy = iy0 + r, ix = ix0 + s;
      p[r * 7 + s] = iy >= 0 && iy < H && ix >= 0 && ix < W ? xn + (iy * W + ix) * C : zeros;
    }
}

/* Images [lo, hi), in blocks of images_per_block. */
static void image_range(void *ctx, long lo, long hi, int thread) {
  const f5_job *j = ctx;
  const ck_conv_info *g = j->g;
  const ck_pool_info *pool = j->p;
  const long C = g->inC, OC = g->outC, H = g->inH, W = g->inW, T = j->tiles_per_image;
  const long row = j->tiles_w * 5 * OC; /* the conv buffer's row, in floats */
  const long vs = ck_wg_stride(j->images_per_block * T * C), ms = ck_wg_stride(j->images_per_block * T * OC);
  float *v = ck_scratch(thread, &v_block_scratch, (size_t)49 * vs);
  float *m = ck_scratch(thread, &m_block_scratch, (size_t)49 * ms);
  float *conv = ck_scratch(thread, &conv_rows_scratch, (size_t)j->tiles_h * 5 * row);
  if (!v || !m || !conv) return;
  for (long n0 = lo; n0 < hi; n0 += j->images_per_block) {
    const long images = hi - n0 < j->images_per_block ? hi - n0 : j->images_per_block, tiles = images * T;
    for (long k = 0; k < tiles; k++) {
      const long n = n0 + k / T, ty = k % T / j->tiles_w, tx = k % T % j->tiles_w;
      const float *p[49];
      patch7(j->x + n * H * W * C, H, W, C, 5 * ty - g->padTop, 5 * tx - g->padLeft, j->zeros, p);
      j->loops->input(p, v + k * C, vs, C);
    }
    for (int xi = 0; xi < 49; xi++)
      ck_panel_gemm(j->isa, (int)tiles, (int)OC, (int)C, v + xi * vs, C, j->u + xi * C * j->ocp, m + xi * ms, OC);
    for (long i = 0; i < images; i++) {
      const long n = n0 + i;
      for (long t = 0; t < T; t++)
        j->loops->output(m + (i * T + t) * OC, ms, conv + (t / j->tiles_w) * 5 * row + (t % j->tiles_w) * 5 * OC, row, j->bias, OC);
      for (long py = 0; py < pool->outH; py++)
        for (long px = 0; px < pool->outW; px++) {
          const long out = ((n * pool->outH + py) * pool->outW + px) * OC;
          j->simd->pool_max_2x2(conv + 2 * py * row + 2 * px * OC, row, g->outW * OC, j->y + out, j->argmax ? j->argmax + out : NULL,
                                (int32_t)ck_window_index(g, n, py, px, 0), OC);
        }
    }
  }
}

const char *ck_wf5_why_not(const ck_pool_info *p, char *why, size_t len) {
  const long tiles_h = (2 * p->outH + 4) / 5, tiles_w = (2 * p->outW + 4) / 5;
  if (tiles_h * tiles_w > MAX_TILES_PER_IMAGE)
    return ck_why_not(why, len, "F(5x5) takes at most %d tiles per image; this pool's conv output needs %ld",
                      MAX_TILES_PER_IMAGE, tiles_h * tiles_w);
  return NULL;
}

int ck_conv_relu_pool_winograd_f5(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                                  const ck_conv_info *g, const ck_pool_info *p) {
  /* Tiles over the conv outputs the pool reads (2 PH x 2 PW); outputs past those are computed and dropped. */
  const long tiles_h = (2 * p->outH + 4) / 5, tiles_w = (2 * p->outW + 4) / 5;
  if (tiles_h * tiles_w > MAX_TILES_PER_IMAGE) return 0;
  f5_job j = {.isa = ck_isa()->gemm, .g = g, .p = p, .x = x, .y = y, .bias = bias, .argmax = argmax,
              .tiles_h = tiles_h, .tiles_w = tiles_w, .tiles_per_image = tiles_h * tiles_w};
  j.loops = ck_isa()->wf5;
  j.simd = ck_loops();
  j.images_per_block = TILES_PER_BLOCK / j.tiles_per_image > 0 ? TILES_PER_BLOCK / j.tiles_per_image : 1;
  j.u = ck_wg_weights(w, g, j.isa, 5, &j.ocp);
  j.zeros = ck_wg_zeros(g->inC);
  if (!j.u || !j.zeros) return 1; /* the allocation failure is recorded; addon.c throws */
  const double flops = 2.0 * g->batch * j.tiles_per_image * 49 * g->inC * g->outC;
  ck_pool_for(g->batch, ck_pool_tasks(flops, 1e6), j.images_per_block, image_range, &j);
  return 1;
}
