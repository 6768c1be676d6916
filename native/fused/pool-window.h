/*
 * The 2x2 pool window every fused conv + pool kernel takes (direct, Winograd,
 * the argmax-sparse backward), and where its positions lie in the conv
 * output. A leaf header: the fused kernels and the Winograd files include it,
 * and it includes nothing of theirs.
 */
#ifndef CONVKIT_POOL_WINDOW_H
#define CONVKIT_POOL_WINDOW_H
#include "convkit.h"
#include "runtime/why-not.h"

/*
 * Flat index in the conv output [N, OH, OW, OC] of channel 0 at window
 * position q (row-major in the 2x2 window) of pooled output (n, py, px): what
 * ck_max_pool's argmax holds, minus the channel.
 */
static inline long ck_window_index(const ck_conv_info *c, long n, long py, long px, int q) {
  return ((n * c->outH + 2 * py + q / 2) * c->outW + 2 * px + q % 2) * c->outC;
}

/* Conditions every fused kernel shares, worded once: the algorithm table drops a reason it has already
   given by its text (conv-pool-algorithms.c add_reason), so each must read the same from every entry. */
static inline const char *ck_fused_stride_why_not(const ck_conv_info *c, char *why, size_t len) {
  if (c->strideH == 1 && c->strideW == 1) return NULL;
  return ck_why_not(why, len, "conv stride is %ldx%ld, the fused kernels need 1", c->strideH, c->strideW);
}

static inline const char *ck_fused_3x3_why_not(const ck_conv_info *c, char *why, size_t len) {
  if (c->kH == 3 && c->kW == 3) return NULL;
  return ck_why_not(why, len, "conv kernel is %ldx%ld, the fused forwards need 3x3", c->kH, c->kW);
}

/*
 * NULL when `p` is a 2x2, stride-2, unpadded max pool over the whole output of
 * conv `c` (an odd last row or column falls outside every window), with flat
 * indices that fit an int32 argmax: what every fused kernel needs. Otherwise
 * why not (ck_why_not).
 */
static inline const char *ck_pool_2x2_why_not(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len) {
  if (p->poolH != 2 || p->poolW != 2)
    return ck_why_not(why, len, "pool is %ldx%ld, the fused kernels need 2x2", p->poolH, p->poolW);
  if (p->strideH != 2 || p->strideW != 2)
    return ck_why_not(why, len, "pool stride is %ldx%ld, the fused kernels need 2x2", p->strideH, p->strideW);
  /* 'same' on an odd size adds a window past the edge: padTop stays 0 but the output grows. */
  if (p->padTop != 0 || p->padLeft != 0 || p->outH != p->inH / 2 || p->outW != p->inW / 2)
    return ck_why_not(why, len, "pool is padded ('same'), the fused kernels need 'valid'");
  if (p->batch != c->batch || p->inH != c->outH || p->inW != c->outW || p->C != c->outC)
    return ck_why_not(why, len, "pool input %ldx%ldx%ldx%ld is not the conv output %ldx%ldx%ldx%ld", p->batch, p->inH,
                      p->inW, p->C, c->batch, c->outH, c->outW, c->outC);
  if (c->batch * c->outH * c->outW * c->outC > 2147483647L)
    return ck_why_not(why, len, "the conv output has %ld elements, more than an int32 argmax indexes",
                      c->batch * c->outH * c->outW * c->outC);
  return NULL;
}

static inline int ck_pool_2x2_after(const ck_conv_info *c, const ck_pool_info *p) {
  return ck_pool_2x2_why_not(c, p, NULL, 0) == NULL;
}
#endif
