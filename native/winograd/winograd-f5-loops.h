/*
 * The transforms of Winograd F(5x5, 3x3) (winograd-f5.c), written once on a
 * vector of 8 channels (GCC vector extensions: one 256-bit register in the
 * AVX2 and AVX-512 copies, two SSE or NEON registers in the portable one) and
 * compiled once per ISA by winograd-f5-transforms.c (isa-copies.h). The same
 * macros run on plain floats for a channel count's tail.
 *
 * Points 0, 1, -1, 1/2, -1/2, 2 and infinity (Toom-Cook; the row of B^T for
 * point a holds the coefficients of the product of (x - b) over the other
 * finite points b, so the rows of a pair +-a share their two halves):
 *   B^T (7x7), input d (7 values) -> 7 values
 *   A^T (5x7), product m (7 values) -> 5 outputs
 * The matrices were derived and checked exactly (y = correlation of d and g)
 * with sympy before being written out here.
 */
#define CK_CAT2(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT2(a, b)
#define CK_FN(name) CK_CAT(name, CK_SUFFIX)

/* o[k * os] = (B^T i)[k] for i[t * is], t and k in 0..6. */
#define F5_BT(T, o, os, i, is)                                                                  \
  do {                                                                                          \
    T d0 = i[0], d1 = i[(is)], d2 = i[2 * (is)], d3 = i[3 * (is)];                              \
    T d4 = i[4 * (is)], d5 = i[5 * (is)], d6 = i[6 * (is)];                                    \
    /* Points +-1: the common factor Q = x(x^2 - 1/4)(x - 2) applied to d and to d shifted. */ \
    T e1 = d5 - 2.0f * d4 - 0.25f * d3 + 0.5f * d2, f1 = d4 - 2.0f * d3 - 0.25f * d2 + 0.5f * d1; \
    /* Points +-1/2: Q = x(x^2 - 1)(x - 2). */                                                  \
    T e2 = d5 - 2.0f * d4 - d3 + 2.0f * d2, f2 = d4 - 2.0f * d3 - d2 + 2.0f * d1;               \
    o[0] = -0.5f * d0 + 0.25f * d1 + 2.5f * d2 - 1.25f * d3 - 2.0f * d4 + d5;                   \
    o[(os)] = e1 + f1;                                                                          \
    o[2 * (os)] = e1 - f1;                                                                      \
    o[3 * (os)] = e2 + 0.5f * f2;                                                               \
    o[4 * (os)] = e2 - 0.5f * f2;                                                               \
    o[5 * (os)] = 0.25f * d1 - 1.25f * d3 + d5;                                                 \
    o[6 * (os)] = -0.5f * d1 + 0.25f * d2 + 2.5f * d3 - 1.25f * d4 - 2.0f * d5 + d6;            \
  } while (0)

/* o[k * os] = (A^T m)[k] for m[t * ms], t in 0..6, k in 0..4: y_k = sum of m_a * a^k, plus m_inf for k = 4. */
#define F5_AT(T, o, os, m, ms)                                                                  \
  do {                                                                                          \
    T m0 = m[0], m5 = m[5 * (ms)], m6 = m[6 * (ms)];                                            \
    T s1 = m[(ms)] + m[2 * (ms)], t1 = m[(ms)] - m[2 * (ms)];                                  \
    T s2 = m[3 * (ms)] + m[4 * (ms)], t2 = m[3 * (ms)] - m[4 * (ms)];                          \
    o[0] = m0 + s1 + s2 + m5;                                                                   \
    o[(os)] = t1 + 0.5f * t2 + 2.0f * m5;                                                       \
    o[2 * (os)] = s1 + 0.25f * s2 + 4.0f * m5;                                                  \
    o[3 * (os)] = t1 + 0.125f * t2 + 8.0f * m5;                                                 \
    o[4 * (os)] = s1 + 0.0625f * s2 + 16.0f * m5 + m6;                                          \
  } while (0)

/* Unaligned 8-float loads and stores (memcpy: no alignment or aliasing assumed). Macros, not
   functions: a vector returned by value from the portable copy would change its ABI (-Wpsabi). */
#define F5_LOAD8(p)                                                                               \
  ({                                                                                              \
    ck_v8 v_;                                                                                     \
    memcpy(&v_, (p), sizeof v_);                                                                  \
    v_;                                                                                           \
  })
#define F5_STORE8(p, v)                                                                           \
  do {                                                                                            \
    ck_v8 s_ = (v);                                                                               \
    memcpy((p), &s_, sizeof s_);                                                                  \
  } while (0)

/* V = B^T d B of one 7x7 patch (p[r*7+s]: pixel rows of C channels): channel c of element xi to v[xi*xs + c]. */
CK_TARGET static void CK_FN(f5_input)(const float *const *p, float *v, long xs, long C) {
  long c = 0;
  for (; c + 8 <= C; c += 8) {
    ck_v8 t[49];
    for (int s = 0; s < 7; s++) { /* columns: B^T d */
      ck_v8 d[7];
      for (int r = 0; r < 7; r++) d[r] = F5_LOAD8(p[r * 7 + s] + c);
      F5_BT(ck_v8, (t + s), 7, d, 1);
    }
    for (int r = 0; r < 7; r++) {                                      /* rows: (B^T d) B */
      ck_v8 o[7];
      F5_BT(ck_v8, o, 1, (t + r * 7), 1);
      for (int s = 0; s < 7; s++) F5_STORE8(v + (r * 7 + s) * xs + c, o[s]);
    }
  }
  for (; c < C; c++) {
    float d[49], t[49];
    for (int k = 0; k < 49; k++) d[k] = p[k][c];
    for (int s = 0; s < 7; s++) F5_BT(float, (t + s), 7, (d + s), 7);
    for (int r = 0; r < 7; r++) F5_BT(float, (v + r * 7 * xs + c), xs, (t + r * 7), 1);
  }
}

/*
 * The 5x5 outputs of one tile: relu(A^T m A + bias), m[xi*xs + oc], output
 * (i, j) to out[i*row + j*OC + oc]. bias may be NULL.
 */
CK_TARGET static void CK_FN(f5_output)(const float *m, long xs, float *out, long row, const float *bias, long OC) {
  long oc = 0;
  const ck_v8 zero = {0};
  for (; oc + 8 <= OC; oc += 8) {
    ck_v8 a[49], t[35];
    for (int k = 0; k < 49; k++) a[k] = F5_LOAD8(m + k * xs + oc);
    for (int s = 0; s < 7; s++) F5_AT(ck_v8, (t + s), 7, (a + s), 7); /* columns: 5 rows of 7 */
    const ck_v8 b = bias ? F5_LOAD8(bias + oc) : zero;
    for (int i = 0; i < 5; i++) {
      ck_v8 o[5];
      F5_AT(ck_v8, o, 1, (t + i * 7), 1);
      for (int j = 0; j < 5; j++) {
        ck_v8 y = o[j] + b;
        /* relu by mask (C has no vector ?:): lanes not above zero, NaN included, become 0. */
        F5_STORE8(out + i * row + j * OC + oc, (ck_v8)((ck_v8i)y & (ck_v8i)(y > zero)));
      }
    }
  }
  for (; oc < OC; oc++) {
    float a[49], t[35];
    for (int k = 0; k < 49; k++) a[k] = m[k * xs + oc];
    for (int s = 0; s < 7; s++) F5_AT(float, (t + s), 7, (a + s), 7);
    const float b = bias ? bias[oc] : 0.0f;
    for (int i = 0; i < 5; i++) {
      float o[5];
      F5_AT(float, o, 1, (t + i * 7), 1);
      for (int j = 0; j < 5; j++) out[i * row + j * OC + oc] = o[j] + b > 0.0f ? o[j] + b : 0.0f;
    }
  }
}

const ck_wf5_loops CK_FN(ck_wf5_loops) = {CK_FN(f5_input), CK_FN(f5_output)};

#undef CK_CAT2
#undef CK_CAT
#undef CK_FN
