/* The backward of conv + relu + 2x2 pool by direct convolution over the argmax positions only (conv-pool-sparse-backward.c). */
#ifndef CONVKIT_CONV_POOL_SPARSE_BACKWARD_H
#define CONVKIT_CONV_POOL_SPARSE_BACKWARD_H
#include "convkit.h"

/* The per-ISA rows of the kernel (opaque: ck_isa_path.sparse), portable and avx2 (also the avx512 path's). */
extern const struct ck_sparse_rows ck_sparse_rows_portable;
#if CK_X86
extern const struct ck_sparse_rows ck_sparse_rows_avx2;
#endif

/* NULL when it takes the pair (stride 1, the 2x2 pool of fused/pool-window.h, offsets in int32), else why not (runtime/why-not.h). */
const char *ck_pool_conv_sparse_why_not(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len);
/* ck_pool_conv_backprop's contract (fused/conv-pool-algorithms.h); -2, doing nothing, when it does not apply. */
long ck_pool_conv_backprop_sparse(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw,
                                  float *dx, const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p);
#endif
