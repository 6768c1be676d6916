/*
 * Conv (3x3, stride 1) + bias + relu + 2x2 max pooling in one pass: a direct
 * kernel for 1 input channel, valid padding (conv-pool.c), and Winograd tiles
 * that are each one pool window for 4 or more channels (winograd.c).
 */
#ifndef CONVKIT_CONV_POOL_H
#define CONVKIT_CONV_POOL_H
#include "convkit.h"

/*
 * Flat index in the conv output [N, OH, OW, OC] of channel 0 at window
 * position q (row-major in the 2x2 window) of pooled output (n, py, px): what
 * ck_max_pool's argmax holds, minus the channel.
 */
static inline long ck_window_index(const ck_conv_info *c, long n, long py, long px, int q) {
  return ((n * c->outH + 2 * py + q / 2) * c->outW + 2 * px + q % 2) * c->outC;
}

/*
 * 1 when `p` is a 2x2, stride-2, unpadded max pool over the whole output of
 * conv `c` (an odd last row or column falls outside every window), with flat
 * indices that fit an int32 argmax: the pool every fused conv + pool kernel
 * (direct or Winograd, forward or backward) takes.
 */
static inline int ck_pool_2x2_after(const ck_conv_info *c, const ck_pool_info *p) {
  return p->poolH == 2 && p->poolW == 2 && p->strideH == 2 && p->strideW == 2 && p->padTop == 0 && p->padLeft == 0 &&
         p->batch == c->batch && p->inH == c->outH && p->inW == c->outW && p->C == c->outC &&
         p->outH == c->outH / 2 && p->outW == c->outW / 2 && c->batch * c->outH * c->outW * c->outC <= 2147483647L;
}

/* 1 when the pair has the shape conv-pool.c's direct 1-channel kernel handles. */
int ck_conv_relu_pool_applies(const ck_conv_info *c, const ck_pool_info *p);
/*
 * y = maxpool(relu(conv(x, w) + bias)) and argmax (may be NULL) as ck_max_pool
 * gives them on the conv output, which is never stored. Returns 0, doing
 * nothing, when the shapes do not apply.
 */
int ck_conv_relu_pool(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                      const ck_conv_info *c, const ck_pool_info *p);
/*
 * The backward of the same pair from the pooled gradient g and argmax, without
 * the conv-sized gradient: dw, and dx when not NULL (w is then needed). With
 * `pooled` (the pool's output), g is the gradient before the relu and is
 * masked here by relu' = (pooled > 0); otherwise it is already masked. db,
 * when not NULL, gets the bias gradient (the column sums of the masked g).
 * The direct kernel takes a 1-channel first layer (no dx), the argmax-sparse
 * direct one (conv-pool-sparse-backward.c) any other stride-1 conv. Returns -1 when done, -2 (doing
 * nothing) when the shapes do not apply, or the first pooled index whose
 * argmax is not inside its own window (its term is left out; argmax from
 * ck_conv_relu_pool never is).
 */
long ck_pool_conv_backprop(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw, float *dx,
                           const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p);

/* 1 when conv-pool-sparse-backward.c takes the pair: stride 1, ck_pool_2x2_after, offsets in int32. */
int ck_pool_conv_sparse_applies(const ck_conv_info *c, const ck_pool_info *p);
/* ck_pool_conv_backprop's contract, by direct convolution over the argmax positions (conv-pool-sparse-backward.c). */
long ck_pool_conv_backprop_sparse(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw,
                                  float *dx, const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p);
#endif
