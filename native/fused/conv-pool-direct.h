/* Conv (3x3, 1 input channel, valid) + bias + relu + 2x2 max pool by a direct kernel, and its filter gradient (conv-pool-direct.c). */
#ifndef CONVKIT_CONV_POOL_DIRECT_H
#define CONVKIT_CONV_POOL_DIRECT_H
#include "convkit.h"

/* The per-ISA rows of the kernels (opaque: ck_isa_path.direct), portable and avx2 (also the avx512 path's). */
extern const struct ck_conv_pool_direct_rows ck_conv_pool_direct_portable;
#if CK_X86
extern const struct ck_conv_pool_direct_rows ck_conv_pool_direct_avx2;
#endif

/* NULL when the pair has the shape this kernel handles (the lab CNN's first block), else why not (runtime/why-not.h). */
const char *ck_conv_relu_pool_direct_why_not(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len);
/* ck_conv_relu_pool's contract (fused/conv-pool-algorithms.h) for that shape. */
int ck_conv_relu_pool_direct(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                             const ck_conv_info *c, const ck_pool_info *p);
/* ck_pool_conv_backprop's contract for that shape without dx: returns -2, doing nothing, when dx is asked for. */
long ck_pool_conv_backprop_direct(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw,
                                  float *dx, const float *pooled, float *db, const ck_conv_info *c,
                                  const ck_pool_info *p);
#endif
