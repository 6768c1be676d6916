/*
 * Direct convolution for a single input channel (C == 1, e.g. the first layer
 * on greyscale images), see conv-c1.c. With C == 1 the GEMM depth is only the
 * tap count (9), so the pointer-table GEMM spent its time on tables, tile
 * prologues and stores; these kernels keep a 3 x 32 tile in registers over all
 * taps (forward) or over a whole row of positions (filter gradient).
 * x(i, t) = base[i*ps + off[t]] is input value of tap t for pixel i.
 */
#ifndef CONVKIT_CONV_C1_H
#define CONVKIT_CONV_C1_H
#include "convkit.h"

/* y[i*OC + oc] = sum_t x(i, t) * w[t*OC + oc] for i < np (overwrites). */
typedef void (*ck_c1_fwd_fn)(int np, const float *base, long ps, const long *off, int taps,
                             const float *w, long OC, float *y);
/* acc[t*OC + oc] += sum over i < np, in order, of x(i, t) * dy[i*OC + oc]. */
typedef void (*ck_c1_wgrad_fn)(int np, const float *base, long ps, const long *off, int taps,
                               const float *dy, long OC, float *acc);

/* One ISA's copy of the kernels (ck_isa()->conv_c1): portable (conv-c1.c) and avx2 (conv-c1-avx2.c, also the avx512 path's). */
typedef struct ck_conv_c1_kernels {
  ck_c1_fwd_fn fwd;
  ck_c1_wgrad_fn wgrad;
  long oc_multiple; /* the copy works in whole vectors: OC must be a multiple of this */
} ck_conv_c1_kernels;

extern const ck_conv_c1_kernels ck_conv_c1_portable;
#if CK_X86
extern const ck_conv_c1_kernels ck_conv_c1_avx2;
#endif

/* 1 when ck_conv_c1_* handle this geometry on the active ISA path. */
int ck_conv_c1_applies(const ck_conv_info *g);
/* With act >= 0, each output row gets y = act(y + bias) right after it is computed. */
void ck_conv_c1_forward(const float *x, const float *w, float *y, const ck_conv_info *g, const float *bias, int act);
/*
 * Filter gradient of chunk `chunk` (output rows [chunk*rows_per_chunk, ...)):
 * out[taps*OC] = its partial sum, positions in row-major order.
 */
void ck_conv_c1_filter_chunk(const float *x, const float *dy, const ck_conv_info *g, long rows_per_chunk,
                             long chunk, int thread, float *out);
#endif
