/*
 * The transformed weights U = G g G^T of a 3x3 kernel for the Winograd
 * forwards, F(2x2, 3x3) (winograd.c: 16 elements) and F(5x5, 3x3)
 * (winograd-f5.c: 49), each element xi packed as NR-column panels
 * [OC/NR][C][NR] zero-padded to ocp columns: the B operand of ck_panel_gemm.
 */
#include "winograd/winograd.h"
#include "winograd/winograd-transforms.h"
#include "runtime/isa-target.h"

#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot transformed_weights_scratch; /* U = G g G^T, kept between calls */
static ck_scratch_slot weights_seen_scratch; /* the kernel U was made from, kept between calls */
static ck_scratch_slot zeros_scratch; /* zeros where a patch leaves the image */

/* G (points x 3) of F(2x2, 3x3) (Lavin & Gray 2016): points 0, 1, -1 and infinity. */
static const float G2[4][3] = {
    {1.0f, 0.0f, 0.0f},
    {0.5f, 0.5f, 0.5f},
    {0.5f, -0.5f, 0.5f},
    {0.0f, 0.0f, 1.0f},
};

/*
 * G of F(5x5, 3x3): points 0, 1, -1, 1/2, -1/2, 2 and infinity (row a: a^k
 * divided by the product of a - b over the other finite points b), derived and
 * checked with the transforms in winograd-f5-loops.h.
 */
static const float G5[7][3] = {
    {-2.0f, 0.0f, 0.0f},
    {-2.0f / 3, -2.0f / 3, -2.0f / 3},
    {-2.0f / 9, 2.0f / 9, -2.0f / 9},
    {16.0f / 9, 8.0f / 9, 4.0f / 9},
    {16.0f / 15, -8.0f / 15, 4.0f / 15},
    {2.0f / 45, 4.0f / 45, 8.0f / 45},
    {0.0f, 0.0f, 1.0f},
};

/* Widest panel (NR) of any ISA table, and the most points of a tile size: the transform's stack arrays. */
#define MAX_NR 32
#define MAX_POINTS 7

/*
 * U[xi] = G g G^T (xi = i * points + k) for every (c, oc), for the channels c
 * in [c0, c1). Runs on every call in training (the weights change every step),
 * so it works per NR-column panel with the filters innermost: every step is a
 * loop over NR contiguous floats for the vectoriser. A last panel's columns
 * past OC get a zero kernel, hence zero U.
 */
#define DEFINE_TRANSFORM_WEIGHTS(NAME, ATTR)                                                          \
  ATTR void NAME(const float (*G)[3], int points, const float *w, float *u, long C, long OC, long ocp, int NR, \
                        long c0, long c1) {                                                          \
    float g[9][MAX_NR], h[MAX_POINTS][3][MAX_NR];                                                     \
    for (long c = c0; c < c1; c++)                                                                    \
      for (long o0 = 0; o0 < ocp; o0 += NR) {                                                         \
        const long n = OC - o0 < NR ? OC - o0 : NR;                                                   \
        float *dst = u + (o0 / NR) * C * NR + c * NR;                                                 \
        for (int t = 0; t < 9; t++)                                                                   \
          for (long j = 0; j < NR; j++) g[t][j] = j < n ? w[(t * C + c) * OC + o0 + j] : 0.0f;        \
        for (int i = 0; i < points; i++) /* rows: G g */                                              \
          for (int k = 0; k < 3; k++)                                                                 \
            for (long j = 0; j < NR; j++) h[i][k][j] = G[i][0] * g[k][j] + G[i][1] * g[3 + k][j] + G[i][2] * g[6 + k][j]; \
        for (int i = 0; i < points; i++) /* columns: (G g) G^T */                                     \
          for (int k = 0; k < points; k++) {                                                          \
            float *out = dst + (long)(i * points + k) * C * ocp;                                      \
            for (long j = 0; j < NR; j++) out[j] = h[i][0][j] * G[k][0] + h[i][1][j] * G[k][1] + h[i][2][j] * G[k][2]; \
          }                                                                                           \
      }                                                                                               \
  }

/* Compiled once per copy (the compiler vectorises each); ck_wg_transforms holds them. */
DEFINE_TRANSFORM_WEIGHTS(ck_wg_transform_weights_portable, )
#if CK_X86
DEFINE_TRANSFORM_WEIGHTS(ck_wg_transform_weights_avx2, CK_TARGET_AVX2)
#endif

typedef struct {
  const float *w; /* [3][3][C][OC] */
  float *u;
  long C, OC, ocp;
  int NR, tile;
  const ck_wg_transforms *transforms;
} tw_job;

/* The channels c in [lo, hi). */
static void transform_range(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const tw_job *j = ctx;
  const float (*G)[3] = j->tile == 5 ? G5 : G2;
  j->transforms->weights(G, j->tile + 2, j->w, j->u, j->C, j->OC, j->ocp, j->NR, lo, hi);
}

/*
 * What the transformed weights in transformed_weights_scratch were made from: the tile size, the shape, the
 * panel width, and (in weights_seen_scratch) a copy of the kernel. predict() and evaluate() run batch
 * after batch on the same weights; the transform is skipped while the kernel is bitwise the
 * same. In training the weights change every step and the comparison stops at the first float.
 * Only the calling thread prepares, so one record is enough.
 */
static struct {
  long C, OC, ocp;
  int NR, tile, valid;
  const ck_wg_transforms *transforms; /* the copy that made them: copies may round differently */
} cached;

const float *ck_wg_weights(const float *w, const ck_conv_info *g, const ck_gemm_isa *isa, int tile, long *ocp) {
  if (isa->nr > MAX_NR) return NULL; /* cannot happen: fixed ISA tables */
  const ck_wg_transforms *transforms = ck_isa()->winograd;
  const int NR = isa->nr, elements = (tile + 2) * (tile + 2);
  *ocp = (g->outC + NR - 1) / NR * NR;
  const size_t wn = (size_t)9 * g->inC * g->outC;
  float *u = ck_scratch(0, &transformed_weights_scratch, (size_t)elements * g->inC * *ocp);
  float *seen = ck_scratch(0, &weights_seen_scratch, wn);
  if (!u || !seen) {
    cached.valid = 0;
    return NULL;
  }
  const int same = cached.valid && cached.tile == tile && cached.C == g->inC && cached.OC == g->outC && cached.ocp == *ocp &&
                   cached.NR == NR && cached.transforms == transforms && memcmp(seen, w, wn * sizeof(float)) == 0;
  if (!same) {
    tw_job j = {.w = w, .u = u, .C = g->inC, .OC = g->outC, .ocp = *ocp, .NR = NR, .tile = tile, .transforms = transforms};
    int parts = ck_pool_tasks(9.0 * elements * g->inC * g->outC, 32768);
    if (parts > g->inC) parts = (int)g->inC;
    ck_pool_for(g->inC, parts, 1, transform_range, &j);
    memcpy(seen, w, wn * sizeof(float));
    cached.C = g->inC, cached.OC = g->outC, cached.ocp = *ocp, cached.NR = NR, cached.transforms = transforms, cached.tile = tile, cached.valid = 1;
  }
  return u;
}

const float *ck_wg_zeros(long C) {
  float *zeros = ck_scratch(0, &zeros_scratch, (size_t)C);
  if (zeros) memset(zeros, 0, (size_t)C * sizeof(float));
  return zeros;
}
