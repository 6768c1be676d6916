/*
 * The one place that validates a convolution or pooling geometry as it crosses
 * N-API (geometry-check.c), before any kernel runs. Every kernel may then
 * assume: every size >= 1, 0 <= padding < window, each output window starts
 * inside the input, the output is as large as its input, window, stride and
 * padding imply (the rules of src/core/conv-geometry.ts), and every buffer
 * size and im2col-sized product fits in 64-bit arithmetic and in int32 element
 * counts (the kernels' flat indices and argmax are int32).
 */
#ifndef CONVKIT_GEOMETRY_CHECK_H
#define CONVKIT_GEOMETRY_CHECK_H
#include "convkit.h"

/* Fields of the Int32Array each geometry crosses N-API as, in Conv2DInfo / Pool2DInfo declaration order. */
#define CK_CONV_FIELDS 13
#define CK_POOL_FIELDS 12

/* Element counts of the buffers a conv geometry implies: x [N,H,W,C], w [KH,KW,C,OC], y [N,OH,OW,OC]. */
typedef struct {
  long x, w, y;
} ck_conv_sizes;

/* Element counts of pooling input [N,H,W,C] and output [N,OH,OW,C]. */
typedef struct {
  long x, y;
} ck_pool_sizes;

/*
 * Decodes `count` int32 fields into g and checks them; returns 1, or 0 with a
 * message "expected ...; received ..." in err that names the kernel, `what`
 * ("conv" or "pool") and the field.
 */
int ck_conv_geometry_check(const int32_t *fields, size_t count, const char *kernel, ck_conv_info *g,
                           ck_conv_sizes *sizes, char *err, size_t errlen);
int ck_pool_geometry_check(const int32_t *fields, size_t count, const char *kernel, ck_pool_info *g,
                           ck_pool_sizes *sizes, char *err, size_t errlen);
/* The pool reads the conv's whole output: same batch, its height, width and channels. */
int ck_conv_pool_chain_check(const ck_conv_info *c, const ck_pool_info *p, const char *kernel, char *err,
                             size_t errlen);
#endif
