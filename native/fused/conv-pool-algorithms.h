/*
 * Conv (stride 1) + bias + relu + 2x2 max pool as one kernel, forward and
 * backward, by whichever algorithm of the ordered table in
 * conv-pool-algorithms.c takes the shape first.
 */
#ifndef CONVKIT_CONV_POOL_ALGORITHMS_H
#define CONVKIT_CONV_POOL_ALGORITHMS_H
#include "convkit.h"

/*
 * y = maxpool(relu(conv(x, w) + bias)) and argmax (may be NULL) as ck_max_pool
 * gives them on the conv output, which is never stored. Returns 0, doing
 * nothing, when no algorithm with a fused forward takes the shapes.
 */
int ck_conv_relu_pool(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                      const ck_conv_info *c, const ck_pool_info *p);
/*
 * The backward of the same pair from the pooled gradient g and argmax, without
 * the conv-sized gradient: dw, and dx when not NULL (w is then needed). With
 * `pooled` (the pool's output), g is the gradient before the relu and is
 * masked here by relu' = (pooled > 0); otherwise it is already masked. db,
 * when not NULL, gets the bias gradient (the column sums of the masked g).
 * Returns -1 when done, -2 (doing nothing) when no algorithm takes the shapes,
 * or the first pooled index whose argmax is not inside its own window (its
 * term is left out; argmax from ck_conv_relu_pool never is).
 */
long ck_pool_conv_backprop(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw, float *dx,
                           const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p);
/*
 * The name of the algorithm ck_conv_relu_pool (ck_pool_conv_backprop) runs
 * for these shapes and the current Winograd setting, or NULL, with why no
 * entry applies in `why` (len bytes: each entry's reason once, joined by
 * ", and "). The geometries need not chain: a pool that does not read the
 * conv's output is one more reason.
 */
const char *ck_conv_relu_pool_algorithm(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len);
const char *ck_pool_conv_backprop_algorithm(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len);
#endif
