/* Winograd F(2x2, 3x3) transforms (winograd-transforms.c) and the weight transform (winograd-weights.c), one table per ISA copy. */
#ifndef CONVKIT_WINOGRAD_TRANSFORMS_H
#define CONVKIT_WINOGRAD_TRANSFORMS_H
#include "convkit.h"

/*
 * Distance in floats between the 16 transform planes of a block: each
 * transform writes (or reads) one value in every plane, and planes a multiple
 * of 4 KiB apart would all fall in the same L1 sets (and alias in the store
 * buffer); one extra cache line per plane spreads them.
 */
static inline long ck_wg_stride(long floats) { return (floats + 15) / 16 * 16 + 16; }

/* A tile's image and the top-left output it covers: tiles are numbered image by image, row by row. */
typedef struct {
  long n, oy, ox;
} ck_wg_tile;

static inline ck_wg_tile ck_wg_tile_at(long tile, long tiles_per_image, long tiles_w) {
  long rem = tile % tiles_per_image;
  return (ck_wg_tile){tile / tiles_per_image, (rem / tiles_w) * 2, (rem % tiles_w) * 2};
}

/* p[r*4+s] = pixel (iy0+r, ix0+s) of image xn (H x W x C), or `zeros` outside it. */
void ck_wg_patch(const float *xn, long H, long W, long C, long iy0, long ix0, const float *zeros, const float **p);
/*
 * One ISA's copy of the transforms: portable (scalar), avx2 (8 channels at a
 * time, a scalar tail; the avx512 path uses it too). ck_isa()->winograd.
 */
typedef struct ck_wg_transforms {
  /*
   * V = B^T d B of one tile, all C channels: element (xi, c) goes to
   * v[xi*xs + (c / P)*ps + c % P], i.e. channels in panels of P (P >= C: one
   * panel). P must be a multiple of 8 or at least C.
   */
  void (*input)(const float *const *p, float *v, long xs, long P, long ps, long C);
  /* y = A^T m A + bias (relu when asked) of one tile: m[xi*xs + oc] -> out[i*2+j][oc]. */
  void (*output)(const float *m, long xs, float *const *out, const float *bias, int relu, long OC);
  /*
   * The output transform of a tile that is one 2x2 pool window: y[oc] = max over
   * the window of relu(A^T m A + bias); argmax[oc] (may be NULL) = base[q] + oc
   * for the first window position q (row-major) strictly greater than the ones
   * before it, as ck_max_pool picks.
   */
  void (*output_pool)(const float *m, long xs, float *y, int32_t *argmax, const long *base, const float *bias, long OC);
  /* Y = A dy A^T of one 2x2 block of output gradients q[r*2+s][oc] -> y[xi*xs + oc]. */
  void (*dy)(const float *const *q, float *y, long xs, long OC);
  /* U = G g G^T for the channels [c0, c1) (winograd-weights.c; G is points x 3, w [3][3][C][OC]). */
  void (*weights)(const float (*G)[3], int points, const float *w, float *u, long C, long OC, long ocp, int NR,
                  long c0, long c1);
} ck_wg_transforms;

extern const ck_wg_transforms ck_wg_transforms_portable;
#if CK_X86
extern const ck_wg_transforms ck_wg_transforms_avx2;
#endif

/* The weight transform's copies (winograd-weights.c), for the tables above. */
void ck_wg_transform_weights_portable(const float (*G)[3], int points, const float *w, float *u, long C, long OC,
                                      long ocp, int NR, long c0, long c1);
#if CK_X86
void ck_wg_transform_weights_avx2(const float (*G)[3], int points, const float *w, float *u, long C, long OC, long ocp,
                                  int NR, long c0, long c1);
#endif
#endif
