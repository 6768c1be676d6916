/*
 * Winograd F(5x5, 3x3) for conv (3x3, stride 1) + bias + relu + 2x2 max pool
 * (winograd-f5.c), and its transforms (winograd-f5-transforms.c).
 */
#ifndef CONVKIT_WINOGRAD_F5_H
#define CONVKIT_WINOGRAD_F5_H
#include "convkit.h"

/* One ISA's copy of the loops in winograd-f5-loops.h (see there for each contract), built by winograd-f5-transforms.c. */
typedef struct ck_wf5_loops {
  void (*input)(const float *const *p, float *v, long xs, long C);
  void (*output)(const float *m, long xs, float *out, long row, const float *bias, long OC);
} ck_wf5_loops;

extern const ck_wf5_loops ck_wf5_loops_portable;
#if CK_X86
extern const ck_wf5_loops ck_wf5_loops_avx2;
extern const ck_wf5_loops ck_wf5_loops_avx512;
#endif

/* NULL unless an image's pooled area needs more 5x5 tiles than the kernel takes (winograd-f5.c), else why (runtime/why-not.h). */
const char *ck_wf5_why_not(const ck_pool_info *p, char *why, size_t len);
/*
 * ck_conv_relu_pool_winograd_f2's contract by 5x5-output tiles, for shapes
 * already checked (Winograd's and the 2x2 pool's). Returns 0, doing nothing,
 * when ck_wf5_why_not says why not.
 */
int ck_conv_relu_pool_winograd_f5(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                                  const ck_conv_info *g, const ck_pool_info *p);
#endif
