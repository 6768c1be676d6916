/* im2col packers (im2col.c); C channels, KC = KH*KW*C. */
#ifndef CONVKIT_IM2COL_H
#define CONVKIT_IM2COL_H
#include "convkit.h"

typedef struct {
  const float *x;
  const ck_conv_info *g;
  long pos0; /* first position this operand sees (a thread's slice of P) */
} ck_im2col;

void ck_pack_im2col(const void *src, long r0, int rows, long k0, int kc, int R, float *dst);
void ck_pack_im2col_t(const void *src, long r0, int rows, long k0, int kc, int R, float *dst);
#endif
