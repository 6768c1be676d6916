/* Winograd forward convolution for 3x3 stride-1 kernels: F(2x2, 3x3) (winograd.c) and, for conv + pool, F(5x5, 3x3) (winograd-f5.c). */
#ifndef CONVKIT_WINOGRAD_H
#define CONVKIT_WINOGRAD_H
#include "convkit.h"

/* The largest Winograd tile allowed: 0 (direct only), 2 (F(2x2, 3x3) only) or 5 (the default). */
int ck_winograd_tile(void);
/* Sets it (the addon's setWinograd); returns 0, changing nothing, unless tile is 0, 2 or 5. */
int ck_winograd_set_tile(int tile);
/* Reads CONVKIT_WINOGRAD ("0" or "2"; anything else keeps 5) once, when the addon loads. */
void ck_winograd_init_from_env(void);
/* 1 when the shape suits it (3x3, stride 1, at least 4 input channels) and ck_winograd_tile() is not 0. */
int ck_winograd_applies(const ck_conv_info *g);
/* Same contract as ck_conv2d (overwrites y; bias may be NULL; act -1 for none). */
void ck_conv2d_winograd(const float *x, const float *w, float *y, const ck_conv_info *g, const float *bias, int act);
/* 3x3, stride 1, at least 4 input channels: the convolutions Winograd takes (the setting aside). */
int ck_winograd_shape(const ck_conv_info *g);
/* NULL when ck_winograd_shape is 1, else why not (runtime/why-not.h). */
const char *ck_winograd_shape_why_not(const ck_conv_info *g, char *why, size_t len);
/*
 * conv + bias + relu + 2x2/2 max pool (ck_conv_relu_pool's contract in
 * fused/conv-pool-algorithms.h) with each F(2x2, 3x3) tile one pool window.
 * Returns 0, doing nothing, when the shapes do not suit it.
 */
int ck_conv_relu_pool_winograd_f2(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                                  const ck_conv_info *g, const ck_pool_info *p);
/*
 * U = G g G^T of kernel w [3][3][C][OC] for F(tile x tile, 3x3), tile 2 or 5
 * (winograd-weights.c): (tile+2)^2 elements xi, each C x ocp as NR-column
 * panels (ck_panel_gemm's B), *ocp = OC rounded up to NR. Kept between calls
 * while w is bitwise the same; NULL on allocation failure.
 */
const float *ck_wg_weights(const float *w, const ck_conv_info *g, const ck_gemm_isa *isa, int tile, long *ocp);
/* C zeros in the calling thread's scratch, where a patch's pixels outside the image point; NULL on allocation failure. */
const float *ck_wg_zeros(long C);
/* Filter gradient by F(2x2, 3x3) (winograd-filter.c); same contract as ck_conv2d_backprop_filter. */
void ck_conv2d_backprop_filter_winograd(const float *x, const float *dy, float *dw, const ck_conv_info *g);

#endif
