/*
 * The one place that chooses how conv + relu + 2x2 pool runs: an ordered
 * table, first match wins. Each entry says what it applies to (a predicate on
 * the geometry and the current Winograd setting), its fused forward (NULL:
 * none, the caller then runs conv, relu and pool apart) and its backward
 * (which may answer -2 to pass to the next entry). Adding an algorithm is one
 * entry here and its files; nothing includes this file's header but the
 * N-API layer, so the table sits above every kernel and closes no include loop.
 */
#include "fused/conv-pool-algorithms.h"
#include "fused/conv-pool-direct.h"
#include "fused/conv-pool-sparse-backward.h"
#include "fused/pool-window.h"
#include "winograd/winograd.h"
#include "winograd/winograd-f5.h"

typedef int (*forward_fn)(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                          const ck_conv_info *c, const ck_pool_info *p);
typedef long (*backward_fn)(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw,
                            float *dx, const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p);

typedef struct {
  const char *name;
  int (*applies)(const ck_conv_info *c, const ck_pool_info *p, int winograd_tile);
  forward_fn forward;
  backward_fn backward;
} conv_pool_algorithm;

static int direct_applies(const ck_conv_info *c, const ck_pool_info *p, int tile) {
  (void)tile;
  return ck_conv_relu_pool_direct_applies(c, p);
}

/* F(5x5, 3x3): 1.96 multiplies per output instead of F(2x2)'s 4, up to its tile limit per image. */
static int winograd_f5_applies(const ck_conv_info *c, const ck_pool_info *p, int tile) {
  return tile == 5 && ck_winograd_shape(c) && ck_pool_2x2_after(c, p) && ck_wf5_takes(p);
}

static int winograd_f2_applies(const ck_conv_info *c, const ck_pool_info *p, int tile) {
  return tile != 0 && ck_winograd_shape(c) && ck_pool_2x2_after(c, p);
}

static int sparse_applies(const ck_conv_info *c, const ck_pool_info *p, int tile) {
  (void)tile;
  return ck_pool_conv_sparse_applies(c, p);
}

/* Order matters: the first entry that applies runs (the direct 1-channel kernel and Winograd never overlap: 1 vs >= 4 channels). */
static const conv_pool_algorithm algorithms[] = {
    {"direct, 1 input channel", direct_applies, ck_conv_relu_pool_direct, ck_pool_conv_backprop_direct},
    {"Winograd F(5x5, 3x3)", winograd_f5_applies, ck_conv_relu_pool_winograd_f5, ck_pool_conv_backprop_sparse},
    {"Winograd F(2x2, 3x3)", winograd_f2_applies, ck_conv_relu_pool_winograd_f2, ck_pool_conv_backprop_sparse},
    {"argmax-sparse pooled backward", sparse_applies, NULL, ck_pool_conv_backprop_sparse},
};
#define ALGORITHM_COUNT (sizeof algorithms / sizeof algorithms[0])

int ck_conv_relu_pool(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                      const ck_conv_info *c, const ck_pool_info *p) {
  const int tile = ck_winograd_tile();
  for (size_t i = 0; i < ALGORITHM_COUNT; i++)
    if (algorithms[i].forward && algorithms[i].applies(c, p, tile)) return algorithms[i].forward(x, w, bias, y, argmax, c, p);
  return 0;
}

long ck_pool_conv_backprop(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw, float *dx,
                           const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p) {
  const int tile = ck_winograd_tile();
  for (size_t i = 0; i < ALGORITHM_COUNT; i++) {
    if (!algorithms[i].backward || !algorithms[i].applies(c, p, tile)) continue;
    long status = algorithms[i].backward(g, argmax, x, w, dw, dx, pooled, db, c, p);
    if (status != -2) return status;
  }
  return -2;
}
