/* Winograd F(2x2, 3x3) forward convolution for 3x3 stride-1 kernels (winograd.c). */
#ifndef CONVKIT_WINOGRAD_H
#define CONVKIT_WINOGRAD_H
#include "convkit.h"

/* 1 when the shape suits it (3x3, stride 1, at least 4 input channels) and CONVKIT_WINOGRAD is not "0". */
int ck_winograd_applies(const ck_conv_info *g);
/* Same contract as ck_conv2d (overwrites y; bias may be NULL; act -1 for none). */
void ck_conv2d_winograd(const float *x, const float *w, float *y, const ck_conv_info *g, const float *bias, int act);
/*
 * conv + bias + relu + 2x2/2 max pool with each F(2x2, 3x3) tile one pool
 * window (ck_conv_relu_pool's contract: argmax as ck_max_pool gives it on the
 * conv output, which is never stored). Returns 0, doing nothing, when the
 * shapes do not suit it.
 */
int ck_conv_relu_pool_winograd(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                               const ck_conv_info *g, const ck_pool_info *p);
/* Filter gradient by F(2x2, 3x3) (winograd-filter.c); same contract as ck_conv2d_backprop_filter. */
void ck_conv2d_backprop_filter_winograd(const float *x, const float *dy, float *dw, const ck_conv_info *g);

#endif
