/* Winograd F(2x2, 3x3) transforms (winograd-transforms.c). `wide`: use the AVX2 versions (x86 with AVX2 only). */
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
 * V = B^T d B of one tile, all C channels: element (xi, c) goes to
 * v[xi*xs + (c / P)*ps + c % P], i.e. channels in panels of P (P >= C: one
 * panel). P must be a multiple of 8 or at least C.
 */
void ck_wg_input_transform(int wide, const float *const *p, float *v, long xs, long P, long ps, long C);
/* y = A^T m A + bias (relu when asked) of one tile: m[xi*xs + oc] -> out[i*2+j][oc]. */
void ck_wg_output_transform(int wide, const float *m, long xs, float *const *out, const float *bias, int relu, long OC);
/*
 * The output transform of a tile that is one 2x2 pool window: y[oc] = max over
 * the window of relu(A^T m A + bias); argmax[oc] (may be NULL) = base[q] + oc
 * for the first window position q (row-major) strictly greater than the ones
 * before it, as ck_max_pool picks.
 */
void ck_wg_output_pool(int wide, const float *m, long xs, float *y, int32_t *argmax, const long *base, const float *bias, long OC);
/* Y = A dy A^T of one 2x2 block of output gradients q[r*2+s][oc] -> y[xi*xs + oc]. */
void ck_wg_dy_transform(int wide, const float *const *q, float *y, long xs, long OC);
#endif
