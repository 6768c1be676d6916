/*
 * The element-wise transforms of Winograd F(2x2, 3x3) (Lavin & Gray 2016),
 * shared by the forward pass / input gradient (winograd.c) and the filter
 * gradient (winograd-filter.c). Only additions and subtractions: vectorised
 * over channels, 8 at a time on AVX2, scalar for the tail and the portable path.
 *   input:  V = B^T d B, d a 4x4 input patch
 *   output: y = A^T m A, a 2x2 output block from a 4x4 product
 *   dy:     Y = A dy A^T, a 4x4 block from a 2x2 block of output gradients
 */
#include "winograd/winograd-transforms.h"
#include "runtime/isa-target.h"

/* Channel c of the transformed tile goes to v[xi*xs + (c / P) * ps + c % P] (see winograd-transforms.h). */
#define V_AT(xi, c) (v[(long)(xi) * xs + ((c) / P) * ps + (c) % P])

static void input_transform_base(const float *const *p, float *v, long xs, long P, long ps, long c0, long c1) {
  for (long c = c0; c < c1; c++) {
    float d[4][4], t[4][4];
    for (int i = 0; i < 16; i++) d[i / 4][i % 4] = p[i][c];
    for (int j = 0; j < 4; j++) {
      t[0][j] = d[0][j] - d[2][j];
      t[1][j] = d[1][j] + d[2][j];
      t[2][j] = d[2][j] - d[1][j];
      t[3][j] = d[1][j] - d[3][j];
    }
    for (int i = 0; i < 4; i++) {
      V_AT(i * 4 + 0, c) = t[i][0] - t[i][2];
      V_AT(i * 4 + 1, c) = t[i][1] + t[i][2];
      V_AT(i * 4 + 2, c) = t[i][2] - t[i][1];
      V_AT(i * 4 + 3, c) = t[i][1] - t[i][3];
    }
  }
}

/*
 * The 2x2 outputs of one tile for channels [c0, c1) from M[xi][row][oc]:
 * y = A^T m A + bias, then relu when asked; out[i*2+j] is the output row of
 * (i, j) (a scratch row when that output lies past the image edge).
 */
/* r[i*2+j] = (A^T m A)[i][j] + bias for channel oc of M[xi][row][oc], A^T = [[1,1,1,0],[0,1,-1,-1]]. */
static inline void a_transform_base(const float *m, long mstride, long oc, const float *bias, float r[4]) {
  float s[2][4];
  for (int j = 0; j < 4; j++) {
    float m0 = m[(0 + j) * mstride + oc], m1 = m[(4 + j) * mstride + oc];
    float m2 = m[(8 + j) * mstride + oc], m3 = m[(12 + j) * mstride + oc];
    s[0][j] = m0 + m1 + m2;
    s[1][j] = m1 - m2 - m3;
  }
  float b = bias ? bias[oc] : 0.0f;
  for (int i = 0; i < 2; i++) {
    r[i * 2] = s[i][0] + s[i][1] + s[i][2] + b;
    r[i * 2 + 1] = s[i][1] - s[i][2] - s[i][3] + b;
  }
}

static void output_transform_base(const float *m, long mstride, float *const *out, const float *bias, int relu, long c0, long c1) {
  for (long oc = c0; oc < c1; oc++) {
    float r[4];
    a_transform_base(m, mstride, oc, bias, r);
    for (int k = 0; k < 4; k++) out[k][oc] = relu && r[k] < 0.0f ? 0.0f : r[k];
  }
}

#if CK_X86
#include <immintrin.h>

/* The same transforms on 8 channels at a time; the scalar versions finish the tail. */
/* Needs P % 8 == 0 or P >= C, so that 8 channels from a multiple of 8 never straddle two panels. */
CK_TARGET_AVX2 static void input_transform_avx2(const float *const *p, float *v, long xs, long P, long ps, long C) {
  long c = 0;
  for (; c + 8 <= C; c += 8) {
    float *dst = v + (c / P) * ps + c % P;
    __m256 d[16], t[16];
    for (int i = 0; i < 16; i++) d[i] = _mm256_loadu_ps(p[i] + c);
    for (int j = 0; j < 4; j++) {
      t[0 + j] = _mm256_sub_ps(d[0 + j], d[8 + j]);
      t[4 + j] = _mm256_add_ps(d[4 + j], d[8 + j]);
      t[8 + j] = _mm256_sub_ps(d[8 + j], d[4 + j]);
      t[12 + j] = _mm256_sub_ps(d[4 + j], d[12 + j]);
    }
    for (int i = 0; i < 4; i++) {
      _mm256_storeu_ps(dst + (i * 4 + 0) * xs, _mm256_sub_ps(t[i * 4 + 0], t[i * 4 + 2]));
      _mm256_storeu_ps(dst + (i * 4 + 1) * xs, _mm256_add_ps(t[i * 4 + 1], t[i * 4 + 2]));
      _mm256_storeu_ps(dst + (i * 4 + 2) * xs, _mm256_sub_ps(t[i * 4 + 2], t[i * 4 + 1]));
      _mm256_storeu_ps(dst + (i * 4 + 3) * xs, _mm256_sub_ps(t[i * 4 + 1], t[i * 4 + 3]));
    }
  }
  input_transform_base(p, v, xs, P, ps, c, C);
}

/* a_transform_base on channels oc..oc+7. */
CK_TARGET_AVX2 static inline void a_transform_avx2(const float *m, long mstride, long oc, const float *bias, __m256 r[4]) {
  __m256 s0[4], s1[4];
  for (int j = 0; j < 4; j++) {
    __m256 m0 = _mm256_loadu_ps(m + (0 + j) * mstride + oc), m1 = _mm256_loadu_ps(m + (4 + j) * mstride + oc);
    __m256 m2 = _mm256_loadu_ps(m + (8 + j) * mstride + oc), m3 = _mm256_loadu_ps(m + (12 + j) * mstride + oc);
    s0[j] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
    s1[j] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
  }
  __m256 b = bias ? _mm256_loadu_ps(bias + oc) : _mm256_setzero_ps();
  r[0] = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s0[0], s0[1]), s0[2]), b);
  r[1] = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s0[1], s0[2]), s0[3]), b);
  r[2] = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(s1[0], s1[1]), s1[2]), b);
  r[3] = _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(s1[1], s1[2]), s1[3]), b);
}

CK_TARGET_AVX2 static void output_transform_avx2(const float *m, long mstride, float *const *out, const float *bias, int relu, long OC) {
  long oc = 0;
  const __m256 zero = _mm256_setzero_ps();
  for (; oc + 8 <= OC; oc += 8) {
    __m256 r[4];
    a_transform_avx2(m, mstride, oc, bias, r);
    for (int k = 0; k < 4; k++) _mm256_storeu_ps(out[k] + oc, relu ? _mm256_max_ps(r[k], zero) : r[k]);
  }
  output_transform_base(m, mstride, out, bias, relu, oc, OC);
}
#endif


/* Y[xi][oc] = (A dy A^T)[xi] for a 2x2 block of output gradients d[r*2+s] (zeros past the edge). */
#define DY_TRANSFORM(d, Y, ADD, SUB, NEG)                                                      \
  do {                                                                                         \
    /* Rows: A dy, A = [[1,0],[1,1],[1,-1],[0,-1]]. */                                         \
    __typeof__(d[0]) r[4][2];                                                                  \
    for (int s = 0; s < 2; s++) {                                                              \
      r[0][s] = d[s];                                                                          \
      r[1][s] = ADD(d[s], d[2 + s]);                                                           \
      r[2][s] = SUB(d[s], d[2 + s]);                                                           \
      r[3][s] = NEG(d[2 + s]);                                                                 \
    }                                                                                          \
    /* Columns: (A dy) A^T. */                                                                 \
    for (int i = 0; i < 4; i++) {                                                              \
      Y[i * 4 + 0] = r[i][0];                                                                  \
      Y[i * 4 + 1] = ADD(r[i][0], r[i][1]);                                                    \
      Y[i * 4 + 2] = SUB(r[i][0], r[i][1]);                                                    \
      Y[i * 4 + 3] = NEG(r[i][1]);                                                             \
    }                                                                                          \
  } while (0)

#define S_ADD(a, b) ((a) + (b))
#define S_SUB(a, b) ((a) - (b))
#define S_NEG(a) (-(a))

static void dy_transform_base(const float *const *q, float *y, long xs, long c0, long c1) {
  for (long oc = c0; oc < c1; oc++) {
    float d[4] = {q[0][oc], q[1][oc], q[2][oc], q[3][oc]}, Y[16];
    DY_TRANSFORM(d, Y, S_ADD, S_SUB, S_NEG);
    for (int xi = 0; xi < 16; xi++) y[xi * xs + oc] = Y[xi];
  }
}

#if CK_X86
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_SUB(a, b) _mm256_sub_ps(a, b)
#define V_NEG(a) _mm256_sub_ps(_mm256_setzero_ps(), a)
CK_TARGET_AVX2 static void dy_transform_avx2(const float *const *q, float *y, long xs, long OC) {
  long oc = 0;
  for (; oc + 8 <= OC; oc += 8) {
    __m256 d[4] = {_mm256_loadu_ps(q[0] + oc), _mm256_loadu_ps(q[1] + oc), _mm256_loadu_ps(q[2] + oc), _mm256_loadu_ps(q[3] + oc)}, Y[16];
    DY_TRANSFORM(d, Y, V_ADD, V_SUB, V_NEG);
    for (int xi = 0; xi < 16; xi++) _mm256_storeu_ps(y + xi * xs + oc, Y[xi]);
  }
  dy_transform_base(q, y, xs, oc, OC);
}
#endif


void ck_wg_patch(const float *xn, long H, long W, long C, long iy0, long ix0, const float *zeros, const float **p) {
  for (int r = 0; r < 4; r++)
    for (int s = 0; s < 4; s++) {
      long iy = iy0 + r, ix = ix0 + s;
      p[r * 4 + s] = iy >= 0 && iy < H && ix >= 0 && ix < W ? xn + (iy * W + ix) * C : zeros;
    }
}

/*
 * Output transform feeding a 2x2 max pool: the tile's 2x2 outputs are one pool
 * window. y[oc] = max over the window of relu(A^T m A + bias), and argmax[oc]
 * (when given) the flat index base[q] + oc of the first window output q, in
 * row-major window order, strictly greater than those before it (ck_max_pool's
 * rule, ties included).
 */
static void output_pool_base(const float *m, long mstride, float *y, int32_t *argmax, const long *base, const float *bias, long c0, long c1) {
  for (long oc = c0; oc < c1; oc++) {
    float r[4];
    a_transform_base(m, mstride, oc, bias, r);
    float best = 0.0f;
    int at = 0;
    for (int q = 0; q < 4; q++) {
      float v = r[q] > 0.0f ? r[q] : 0.0f;
      if (q == 0 || v > best) best = v, at = q;
    }
    y[oc] = best;
    if (argmax) argmax[oc] = (int32_t)(base[at] + oc);
  }
}

#if CK_X86
/*
 * The window scan keeps the winner's position as an offset from base[0],
 * chosen by blends and added once at the end; it is compiled in only when
 * argmax is asked (inference skips it).
 */
CK_TARGET_AVX2 __attribute__((always_inline)) static inline void output_pool_avx2_body(const float *m, long mstride, float *y, int32_t *argmax,
                                                                                          const long *base, const float *bias, long OC, int with_argmax) {
  const __m256 zero = _mm256_setzero_ps();
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i offset[4];
  for (int q = 0; q < 4; q++) offset[q] = _mm256_set1_epi32((int32_t)(base[q] - base[0]));
  long oc = 0;
  for (; oc + 8 <= OC; oc += 8) {
    __m256 r[4];
    a_transform_avx2(m, mstride, oc, bias, r);
    __m256 best = _mm256_max_ps(r[0], zero);
    __m256i at = offset[0];
    for (int q = 1; q < 4; q++) {
      /* relu'd values are never NaN, so max is the blend on "strictly greater"; equal lanes keep the earlier position. */
      __m256 v = _mm256_max_ps(r[q], zero);
      if (with_argmax) at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(at), _mm256_castsi256_ps(offset[q]), _mm256_cmp_ps(v, best, _CMP_GT_OQ)));
      best = _mm256_max_ps(best, v);
    }
    _mm256_storeu_ps(y + oc, best);
    if (with_argmax)
      _mm256_storeu_si256((__m256i *)(argmax + oc), _mm256_add_epi32(at, _mm256_add_epi32(_mm256_set1_epi32((int32_t)(base[0] + oc)), lane)));
  }
  output_pool_base(m, mstride, y, argmax, base, bias, oc, OC);
}

CK_TARGET_AVX2 static void output_pool_avx2(const float *m, long mstride, float *y, int32_t *argmax, const long *base, const float *bias, long OC) {
  if (argmax) output_pool_avx2_body(m, mstride, y, argmax, base, bias, OC, 1);
  else output_pool_avx2_body(m, mstride, y, argmax, base, bias, OC, 0);
}
#endif

/* The portable copy: the scalar loops over every channel. */
static void input_transform_portable(const float *const *p, float *v, long xs, long P, long ps, long C) {
  input_transform_base(p, v, xs, P, ps, 0, C);
}

static void output_transform_portable(const float *m, long xs, float *const *out, const float *bias, int relu, long OC) {
  output_transform_base(m, xs, out, bias, relu, 0, OC);
}

static void output_pool_portable(const float *m, long xs, float *y, int32_t *argmax, const long *base, const float *bias, long OC) {
  output_pool_base(m, xs, y, argmax, base, bias, 0, OC);
}

static void dy_transform_portable(const float *const *q, float *y, long xs, long OC) { dy_transform_base(q, y, xs, 0, OC); }

const ck_wg_transforms ck_wg_transforms_portable = {input_transform_portable, output_transform_portable,
                                                    output_pool_portable, dy_transform_portable,
                                                    ck_wg_transform_weights_portable};
#if CK_X86
const ck_wg_transforms ck_wg_transforms_avx2 = {input_transform_avx2, output_transform_avx2, output_pool_avx2,
                                                dy_transform_avx2, ck_wg_transform_weights_avx2};
#endif
