/*
 * The one place that chooses how conv + relu + 2x2 pool runs: two ordered
 * tables, the forwards and the backwards, first match wins. They are separate
 * because the two choose independently (with Winograd off, a 32-channel conv
 * has no fused forward but keeps the argmax-sparse backward). Each entry
 * holds its name, what it applies to (a function that returns NULL when it
 * applies and why not otherwise, on the geometry and the current Winograd
 * setting) and its kernel. The same walk over a table runs the kernel and
 * answers the model's plan (ck_conv_relu_pool_algorithm), so the answer is
 * the algorithm that runs, never a restatement of its conditions. Adding an
 * algorithm is one entry here and its files; nothing includes this file's
 * header but the N-API layer, so the table sits above every kernel and closes
 * no include loop.
 */
#include "fused/conv-pool-algorithms.h"
#include "fused/conv-pool-direct.h"
#include "fused/conv-pool-sparse-backward.h"
#include "fused/pool-window.h"
#include "runtime/why-not.h"
#include "winograd/winograd.h"
#include "winograd/winograd-f5.h"

#include <string.h>

typedef const char *(*why_not_fn)(const ck_conv_info *c, const ck_pool_info *p, int winograd_tile, char *why,
                                  size_t len);
typedef int (*forward_fn)(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                          const ck_conv_info *c, const ck_pool_info *p);
typedef long (*backward_fn)(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw,
                            float *dx, const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p);

static const char *direct_why_not(const ck_conv_info *c, const ck_pool_info *p, int tile, char *why, size_t len) {
  (void)tile;
  return ck_conv_relu_pool_direct_why_not(c, p, why, len);
}

/* The Winograd conditions after the shape: the setting, then the pool. */
static const char *winograd_why_not(const ck_conv_info *c, const ck_pool_info *p, int tile, int needs_tile, char *why,
                                    size_t len) {
  const char *shape = ck_winograd_shape_why_not(c, why, len);
  if (shape) return shape;
  if (tile == 0) return ck_why_not(why, len, "Winograd is off (setWinograd(0))");
  if (tile < needs_tile) return ck_why_not(why, len, "F(%dx%d) is off (setWinograd(%d))", needs_tile, needs_tile, tile);
  return ck_pool_2x2_why_not(c, p, why, len);
}

/* F(5x5, 3x3): 1.96 multiplies per output instead of F(2x2)'s 4, up to its tile limit per image. */
static const char *winograd_f5_why_not(const ck_conv_info *c, const ck_pool_info *p, int tile, char *why, size_t len) {
  const char *reason = winograd_why_not(c, p, tile, 5, why, len);
  return reason ? reason : ck_wf5_why_not(p, why, len);
}

static const char *winograd_f2_why_not(const ck_conv_info *c, const ck_pool_info *p, int tile, char *why, size_t len) {
  return winograd_why_not(c, p, tile, 2, why, len);
}

static const char *sparse_why_not(const ck_conv_info *c, const ck_pool_info *p, int tile, char *why, size_t len) {
  (void)tile;
  return ck_pool_conv_sparse_why_not(c, p, why, len);
}

/* An entry of either table: a forward entry has no backward, a backward entry no forward. */
typedef struct {
  const char *name;
  why_not_fn why_not;
  forward_fn forward;
  backward_fn backward; /* may answer -2 to pass to the next entry that applies */
} conv_pool_algorithm;

/* The direct 1-channel kernel and Winograd never overlap (1 vs >= 4 channels); F(5x5) before F(2x2). */
static const conv_pool_algorithm forwards[] = {
    {"direct, 1 input channel", direct_why_not, ck_conv_relu_pool_direct, NULL},
    {"Winograd F(5x5, 3x3)", winograd_f5_why_not, ck_conv_relu_pool_winograd_f5, NULL},
    {"Winograd F(2x2, 3x3)", winograd_f2_why_not, ck_conv_relu_pool_winograd_f2, NULL},
};
#define FORWARD_COUNT (sizeof forwards / sizeof forwards[0])

/* The direct filter gradient declines dx (-2), which then goes to the argmax-sparse backward. */
static const conv_pool_algorithm backwards[] = {
    {"direct, 1 input channel; dx by argmax-sparse", direct_why_not, NULL, ck_pool_conv_backprop_direct},
    {"argmax-sparse", sparse_why_not, NULL, ck_pool_conv_backprop_sparse},
};
#define BACKWARD_COUNT (sizeof backwards / sizeof backwards[0])

/* Appends `reason` to why (", and " between reasons) unless it is there already: entries share conditions. */
static void add_reason(char *why, size_t len, const char *reason) {
  if (!why || len == 0 || !reason[0] || strstr(why, reason)) return;
  size_t used = strlen(why);
  snprintf(why + used, len - used, "%s%s", used ? ", and " : "", reason);
}

/* The index of the first entry of table[from..count) that applies, or -1; with `why`, each entry passed over adds its reason there. */
static long first_applying(const conv_pool_algorithm *table, size_t count, size_t from, const ck_conv_info *c,
                           const ck_pool_info *p, int tile, char *why, size_t len) {
  char reason[200];
  if (why && len && from == 0) why[0] = '\0';
  for (size_t i = from; i < count; i++) {
    const char *r = table[i].why_not(c, p, tile, why ? reason : NULL, why ? sizeof reason : 0);
    if (!r) return (long)i;
    add_reason(why, len, r);
  }
  return -1;
}

int ck_conv_relu_pool(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                      const ck_conv_info *c, const ck_pool_info *p) {
  long i = first_applying(forwards, FORWARD_COUNT, 0, c, p, ck_winograd_tile(), NULL, 0);
  return i < 0 ? 0 : forwards[i].forward(x, w, bias, y, argmax, c, p);
}

long ck_pool_conv_backprop(const float *g, const int32_t *argmax, const float *x, const float *w, float *dw, float *dx,
                           const float *pooled, float *db, const ck_conv_info *c, const ck_pool_info *p) {
  const int tile = ck_winograd_tile();
  for (long i = 0; (i = first_applying(backwards, BACKWARD_COUNT, (size_t)i, c, p, tile, NULL, 0)) >= 0; i++) {
    long status = backwards[i].backward(g, argmax, x, w, dw, dx, pooled, db, c, p);
    if (status != -2) return status;
  }
  return -2;
}

const char *ck_conv_relu_pool_algorithm(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len) {
  long i = first_applying(forwards, FORWARD_COUNT, 0, c, p, ck_winograd_tile(), why, len);
  return i < 0 ? NULL : forwards[i].name;
}

const char *ck_pool_conv_backprop_algorithm(const ck_conv_info *c, const ck_pool_info *p, char *why, size_t len) {
  long i = first_applying(backwards, BACKWARD_COUNT, 0, c, p, ck_winograd_tile(), why, len);
  return i < 0 ? NULL : backwards[i].name;
}
