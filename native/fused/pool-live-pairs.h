/*
 * The live (window, channel) pairs of a conv + relu + 2x2 max pool block's
 * pooled gradient, listed for the argmax-sparse backward
 * (conv-pool-sparse-backward.c): every pair whose masked gradient
 * s = relu'(pooled) g is nonzero, with where its argmax pixel is.
 */
#ifndef CONVKIT_POOL_LIVE_PAIRS_H
#define CONVKIT_POOL_LIVE_PAIRS_H
#include "fused/pool-window.h"

/*
 * One image's lists, in caller-owned buffers:
 *   dw list of oc (capacity: windows): the padded-image offsets of its windows' argmax
 *     positions and their s;
 *   dx list of window position k = window * 4 + q (capacity dx_cap >= OC + 8: the AVX2 path
 *     stores 8 lanes at a list's count): the w^T offsets (oc * kH * kW * C) of its channels and
 *     their s;
 *   corner[k]: the padded-image offset of position k (a padded image is wp floats x C wide).
 */
typedef struct {
  int32_t *dw_off, *dw_count, *dx_off, *dx_count, *corner;
  float *dw_s, *dx_s;
  long dx_cap;
} ck_live_pairs;

/* Fills the permutation table the AVX2 path packs with; call once before listing (idempotent). */
void ck_live_pairs_init(void);
/*
 * Lists image n (g, pooled and argmax as the whole batch's pooled tensors; pooled may be
 * NULL: g is then already masked); bsum (may be NULL) accumulates the masked g per channel.
 * Returns the first pooled index of the image whose argmax is not inside its window (that
 * pair is left out), or -1.
 */
long ck_list_live_pairs(const ck_live_pairs *l, const ck_conv_info *c, const ck_pool_info *p, long wp, const float *g,
                        const float *pooled, const int32_t *argmax, long n, float *bsum);

/* The per-ISA lanes of the listing (opaque: ck_isa_path.live_pairs), portable and avx2 (also the avx512 path's). */
extern const struct ck_live_pairs_lanes ck_live_pairs_portable;
#if CK_X86
extern const struct ck_live_pairs_lanes ck_live_pairs_avx2;
#endif
#endif
