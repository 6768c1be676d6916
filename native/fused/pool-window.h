/*
 * The 2x2 pool window every fused conv + pool kernel takes (direct, Winograd,
 * the argmax-sparse backward), and where its positions lie in the conv
 * output. A leaf header: the fused kernels and the Winograd files include it,
 * and it includes nothing of theirs.
 */
#ifndef CONVKIT_POOL_WINDOW_H
#define CONVKIT_POOL_WINDOW_H
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
 * indices that fit an int32 argmax.
 */
static inline int ck_pool_2x2_after(const ck_conv_info *c, const ck_pool_info *p) {
  return p->poolH == 2 && p->poolW == 2 && p->strideH == 2 && p->strideW == 2 && p->padTop == 0 && p->padLeft == 0 &&
         p->batch == c->batch && p->inH == c->outH && p->inW == c->outW && p->C == c->outC &&
         p->outH == c->outH / 2 && p->outW == c->outW / 2 && c->batch * c->outH * c->outW * c->outC <= 2147483647L;
}
#endif
