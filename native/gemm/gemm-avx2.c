/*
 * AVX2+FMA microkernels, 6x16: 12 ymm accumulators + 2 B vectors + 1 broadcast
 * of the 16 registers. Each depth step issues 12 FMAs against 2 loads and 6
 * broadcasts, enough independent FMAs to cover the FMA latency on two pipes.
 * Compiled with a function target attribute, never -march, so the addon still
 * loads on CPUs without AVX2 (cpu-dispatch.c never calls these there).
 */
#include "convkit.h"
#include "runtime/isa-target.h"

#if CK_X86
#include <immintrin.h>

#define MR 6
#define NR 16

/* acc[i] += a_i * (b0, b1) for the 6 rows; a_i comes from the expression A(i). */
#define FMA_ROWS(A)                                                   \
  _Pragma("GCC unroll 6") for (int i = 0; i < MR; i++) {              \
    __m256 ai = _mm256_broadcast_ss(A(i));                            \
    acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);                   \
    acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);                   \
  }

CK_TARGET_AVX2 __attribute__((always_inline)) static inline void store_tile(__m256 acc[MR][2], float *c, long ldc, int m, int n, int accumulate) {
  if (n == NR) {
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      if (i >= m) break;
      float *row = c + i * ldc;
      __m256 v0 = acc[i][0], v1 = acc[i][1];
      if (accumulate) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(row));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(row + 8));
      }
      _mm256_storeu_ps(row, v0);
      _mm256_storeu_ps(row + 8, v1);
    }
    return;
  }
  /* Right edge of C: go through a small buffer so we never touch past column n. */
  float tile[NR];
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++) {
    if (i >= m) break; /* constant indices keep acc[][] in registers */
    _mm256_storeu_ps(tile, acc[i][0]);
    _mm256_storeu_ps(tile + 8, acc[i][1]);
    float *row = c + i * ldc;
    if (accumulate)
      for (int j = 0; j < n; j++) row[j] += tile[j];
    else
      for (int j = 0; j < n; j++) row[j] = tile[j];
  }
}

#define ZERO_ACC                                                        \
  __m256 acc[MR][2];                                                    \
  _Pragma("GCC unroll 6") for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_ps()

CK_TARGET_AVX2 static void kernel_avx2(int kc, const float *a, const float *b, float *c, long ldc,
                               int m, int n, int accumulate) {
  ZERO_ACC;
  for (int p = 0; p < kc; p++, a += MR, b += NR) {
    __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#define A_PACKED(i) (a + (i))
    FMA_ROWS(A_PACKED)
  }
  store_tile(acc, c, ldc, m, n, accumulate);
}

CK_TARGET_AVX2 static void conv_fwd_avx2(int taps, int C, const float *const *rows, const float *b,
                                 float *c, long ldc, int m, int n, int accumulate) {
  ZERO_ACC;
  for (int t = 0; t < taps; t++, rows += MR) {
    const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3], *r4 = rows[4], *r5 = rows[5];
    for (int ch = 0; ch < C; ch++, b += NR) {
      __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
      const float *rp[MR] = {r0 + ch, r1 + ch, r2 + ch, r3 + ch, r4 + ch, r5 + ch};
#define A_ROWS(i) (rp[i])
      FMA_ROWS(A_ROWS)
    }
  }
  store_tile(acc, c, ldc, m, n, accumulate);
}

/* Same arithmetic as conv_fwd_avx2; the tile is added into its rows' own destinations. */
CK_TARGET_AVX2 static void conv_fwd_add_avx2(int taps, int C, const float *const *rows, const float *b,
                                     float *const *crows, int n) {
  ZERO_ACC;
  for (int t = 0; t < taps; t++, rows += MR) {
    const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3], *r4 = rows[4], *r5 = rows[5];
    for (int ch = 0; ch < C; ch++, b += NR) {
      __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
      const float *rp[MR] = {r0 + ch, r1 + ch, r2 + ch, r3 + ch, r4 + ch, r5 + ch};
      FMA_ROWS(A_ROWS)
    }
  }
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++) {
    float *row = crows[i];
    if (!row) continue;
    if (n == NR) {
      _mm256_storeu_ps(row, _mm256_add_ps(acc[i][0], _mm256_loadu_ps(row)));
      _mm256_storeu_ps(row + 8, _mm256_add_ps(acc[i][1], _mm256_loadu_ps(row + 8)));
    } else {
      float tile[NR];
      _mm256_storeu_ps(tile, acc[i][0]);
      _mm256_storeu_ps(tile + 8, acc[i][1]);
      for (int j = 0; j < n; j++) row[j] += tile[j];
    }
  }
}

CK_TARGET_AVX2 static void conv_wgrad_avx2(int kc, const float *const *ptrs, long pstride, int c0, int per_tap_rows,
                                   const float *b, long ldb, float *c, long ldc, int m, int n, int accumulate) {
  ZERO_ACC;
  if (per_tap_rows) {
    /* Rows are taps (C == 1); rows past m repeat row 0 so every read stays in bounds. */
    int idx[MR];
    for (int i = 0; i < MR; i++) idx[i] = i < m ? i : 0;
    for (int q = 0; q < kc; q++, ptrs += pstride, b += ldb) {
      __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#define A_TAPS(i) (ptrs[idx[i]] + c0)
      FMA_ROWS(A_TAPS)
    }
  } else if (m == MR) {
    for (int q = 0; q < kc; q++, ptrs += pstride, b += ldb) {
      __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
      const float *p = ptrs[0] + c0;
#define A_CHANNELS(i) (p + (i))
      FMA_ROWS(A_CHANNELS)
    }
  } else {
    /* Last channels of a tap: clamp so rows past m never read beyond the pixel. */
    int off[MR];
    for (int i = 0; i < MR; i++) off[i] = c0 + (i < m ? i : 0);
    for (int q = 0; q < kc; q++, ptrs += pstride, b += ldb) {
      __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
      const float *p = ptrs[0];
#define A_CLAMPED(i) (p + off[i])
      FMA_ROWS(A_CLAMPED)
    }
  }
  store_tile(acc, c, ldc, m, n, accumulate);
}

CK_TARGET_AVX2 static void conv_wgrad_rows_avx2(int kc, const float *const *corners, const int *row_off, const float *b, long ldb,
                                        float *c, long ldc, int m, int n, int accumulate) {
  ZERO_ACC;
  /* Offsets in registers: the loop body is then the plain 6x16 FMA step. */
  const long o0 = row_off[0], o1 = row_off[1], o2 = row_off[2], o3 = row_off[3], o4 = row_off[4], o5 = row_off[5];
  for (int q = 0; q < kc; q++, b += ldb) {
    __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    const float *p = corners[q];
    const float *rp[MR] = {p + o0, p + o1, p + o2, p + o3, p + o4, p + o5};
    FMA_ROWS(A_ROWS)
  }
  store_tile(acc, c, ldc, m, n, accumulate);
}

/* The six row pointers of the register tile at row ir (m rows in all): spare rows of a last,
   partial tile repeat its last row, so every read stays inside A. */
#define TILE_ROWS(a, lda, m, ir)                                                                                    \
  const int mm = (m) - (ir) < MR ? (m) - (ir) : MR;                                                                 \
  const float *r0 = (a) + (long)(ir) * (lda);                                                                       \
  const float *r1 = r0 + (mm > 1) * (lda), *r2 = r0 + (mm > 2 ? 2 : mm - 1) * (lda), *r3 = r0 + (mm > 3 ? 3 : mm - 1) * (lda); \
  const float *r4 = r0 + (mm > 4 ? 4 : mm - 1) * (lda), *r5 = r0 + (mm > 5 ? 5 : mm - 1) * (lda)

/*
 * B read in place as a row-major matrix (the dense layer's weights, rows ldb apart): a panel's
 * rows are ldb floats apart, 512 bytes for 128 units, so a panel falls in a few of L1's sets and
 * is read from L2 whichever loop is outside. Row tiles go outside, so the A tile stays in L1, and
 * B is prefetched 8 rows ahead (past B's last row, a prefetch is a hint that never faults).
 * In-process A/B on the lab CNN's 128x128x1600 forward: 5-6% faster on one thread, 12-13% on
 * two, than panels outside without the prefetch.
 */
CK_TARGET_AVX2 static void panel_gemm_rowmajor_b(int m, int n, int K, const float *a, long lda, const float *b, long ldb,
                                         long pstride, float *c, long ldc, int accumulate) {
  for (int ir = 0; ir < m; ir += MR) {
    TILE_ROWS(a, lda, m, ir);
    const float *bj = b;
    for (int jr = 0; jr < n; jr += NR, bj += pstride) {
      const int nn = n - jr < NR ? n - jr : NR;
      const float *bp = bj;
      ZERO_ACC;
      for (int p = 0; p < K; p++, bp += ldb) {
        _mm_prefetch((const char *)(bp + 8 * ldb), _MM_HINT_T0);
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
        const float *rp[MR] = {r0 + p, r1 + p, r2 + p, r3 + p, r4 + p, r5 + p};
        FMA_ROWS(A_ROWS)
      }
      store_tile(acc, c + (long)ir * ldc + jr, ldc, mm, nn, accumulate);
    }
  }
}

/* The whole product in one call: the loops and the six row pointers stay in registers
   (a call per 6x16 tile of depth 32 cost about a tenth of its arithmetic). Packed B
   (ldb == NR, the Winograd GEMMs): a panel stays in L1 while the row tiles pass over it. */
CK_TARGET_AVX2 static void panel_gemm_avx2(int m, int n, int K, const float *a, long lda, const float *b, long ldb, long pstride,
                                   float *c, long ldc, int accumulate) {
  if (ldb != NR) {
    panel_gemm_rowmajor_b(m, n, K, a, lda, b, ldb, pstride, c, ldc, accumulate);
    return;
  }
  for (int jr = 0; jr < n; jr += NR, b += pstride) {
    const int nn = n - jr < NR ? n - jr : NR;
    for (int ir = 0; ir < m; ir += MR) {
      TILE_ROWS(a, lda, m, ir);
      const float *bp = b;
      ZERO_ACC;
      for (int p = 0; p < K; p++, bp += ldb) {
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
        const float *rp[MR] = {r0 + p, r1 + p, r2 + p, r3 + p, r4 + p, r5 + p};
        FMA_ROWS(A_ROWS)
      }
      store_tile(acc, c + (long)ir * ldc + jr, ldc, mm, nn, accumulate);
    }
  }
}

/* dst[q][i] = src[i][q] for an 8x8 block of floats (rows ld apart in, dst_ld apart out). */
CK_TARGET_AVX2 static void transpose_8x8(const float *src, long ld, float *dst, long dst_ld) {
  __m256 r[8], t[8];
  for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * ld);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);     /* a0 b0 a1 b1 | a4 b4 a5 b5 */
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]); /* a2 b2 a3 b3 | a6 b6 a7 b7 */
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);     /* a0 b0 c0 d0 | a4 b4 c4 d4 */
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE); /* a1 b1 c1 d1 | a5 ... */
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int q = 0; q < 4; q++) {
    _mm256_storeu_ps(dst + q * dst_ld, _mm256_permute2f128_ps(r[q], r[q + 4], 0x20));
    _mm256_storeu_ps(dst + (q + 4) * dst_ld, _mm256_permute2f128_ps(r[q], r[q + 4], 0x31));
  }
}

/* The transposing pack of whole panels: the scalar loop moved one float per load and store,
   a third of the dense layer's input-gradient product at batch 32. */
CK_TARGET_AVX2 void ck_pack_rmajor_panel_avx2(const float *rows, long ld, int kc, int w, int R, float *dst) {
  if (w != R || R % 8 != 0) {
    ck_pack_rmajor_panel_portable(rows, ld, kc, w, R, dst);
    return;
  }
  int k = 0;
  for (; k + 8 <= kc; k += 8)
    for (int i = 0; i < R; i += 8) transpose_8x8(rows + i * ld + k, ld, dst + (long)k * R + i, R);
  for (; k < kc; k++)
    for (int i = 0; i < R; i++) dst[(long)k * R + i] = rows[i * ld + k];
}

const ck_gemm_isa ck_gemm_avx2 = {MR, NR, 256, 120, 1024,
                                  kernel_avx2, conv_fwd_avx2, conv_wgrad_avx2, conv_fwd_add_avx2, conv_wgrad_rows_avx2,
                                  panel_gemm_avx2, ck_pack_rmajor_panel_avx2};
#endif
