/*
 * Blocked, packed SGEMM driver (the Goto/BLIS loop nest) shared by all ISA
 * paths; only the register-tile microkernel differs per ISA.
 *   for each depth block kc (B micro-panels of kc x NR fit L1)
 *     for each column block nc: pack B
 *       for each row block mc (MC x kc of A fits L2): pack A
 *         for each NR column panel, for each MR row panel: microkernel
 * Packing goes through callbacks so convolution can pack im2col rows straight
 * from the NHWC input without materialising the column matrix.
 * Threads split M (or N when M is small) and never K, so every element of C is
 * summed in the same order whatever the thread count.
 */
#include "convkit.h"

#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot packed_a_scratch; /* A packed in MR-row panels */
static ck_scratch_slot packed_b_scratch; /* B packed in NR-column panels */

/* One full panel row per depth step with a compile-time width: inlined moves.
   A memcpy call per 64-byte row cost about as much as the arithmetic when the
   other operand is thin (dense layers at batch 32 use each packed float 32 times). */
#define PACK_FULL(W)                                              \
  case W:                                                         \
    for (int k = 0; k < kc; k++, dst += W)                        \
      for (int i = 0; i < W; i++) dst[i] = col[k * s->ld + i];    \
    continue

void ck_pack_kmajor(const void *src, long r0, int rows, long k0, int kc, int R, float *dst) {
  const ck_plain *s = src;
  for (int r = 0; r < rows; r += R) {
    int w = rows - r < R ? rows - r : R;
    const float *col = s->p + k0 * s->ld + r0 + r;
    if (w == R) {
      switch (R) {
        PACK_FULL(4);
        PACK_FULL(6);
        PACK_FULL(12);
        PACK_FULL(16);
        PACK_FULL(32);
      default: break;
      }
    }
    for (int k = 0; k < kc; k++) {
      memcpy(dst, col + k * s->ld, (size_t)w * sizeof(float));
      for (int i = w; i < R; i++) dst[i] = 0.0f;
      dst += R;
    }
  }
}

void ck_pack_rmajor(const void *src, long r0, int rows, long k0, int kc, int R, float *dst) {
  const ck_plain *s = src;
  for (int r = 0; r < rows; r += R) {
    int w = rows - r < R ? rows - r : R;
    ck_isa()->gemm->pack_rmajor_panel(s->p + (r0 + r) * s->ld + k0, s->ld, kc, w, R, dst);
    dst += (size_t)kc * R;
  }
}

void ck_pack_rmajor_panel_portable(const float *base, long ld, int kc, int w, int R, float *dst) {
  /* Walk 8 depth steps at a time so each source row is read a cache line at a time. */
  int k = 0;
  for (; k + 8 <= kc; k += 8) {
    for (int i = 0; i < w; i++) {
      const float *row = base + i * ld + k;
      for (int q = 0; q < 8; q++) dst[(k + q) * R + i] = row[q];
    }
  }
  for (; k < kc; k++)
    for (int i = 0; i < w; i++) dst[k * R + i] = base[i * ld + k];
  if (w < R)
    for (k = 0; k < kc; k++)
      for (int i = w; i < R; i++) dst[k * R + i] = 0.0f;
}

static long round_up(long v, long a) { return (v + a - 1) / a * a; }

/* The depth of the blocks K is cut into: equal blocks of at most kc_max (K=288 with kc_max=256
   gives 2x144, not 256+32). Both GEMM drivers use it, so their sums are in the same order. */
static long depth_block(const ck_gemm_isa *isa, long K) {
  long kblocks = (K + isa->kc_max - 1) / isa->kc_max;
  return (K + kblocks - 1) / kblocks;
}

void ck_gemm_serial(const ck_gemm_isa *isa, int thread, long M, long N, long K,
                    ck_operand A, ck_operand B, float *C, long ldc, int accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (long i = 0; i < M; i++) memset(C + i * ldc, 0, (size_t)N * sizeof(float));
    return;
  }
  const int MR = isa->mr, NR = isa->nr;
  int kc_len = (int)depth_block(isa, K);
  long nc_max = N < isa->nc ? N : isa->nc;
  long mc_max = M < isa->mc ? M : isa->mc;
  float *bpack = ck_scratch(thread, &packed_b_scratch, (size_t)round_up(nc_max, NR) * kc_len);
  float *apack = ck_scratch(thread, &packed_a_scratch, (size_t)round_up(mc_max, MR) * kc_len);
  if (!bpack || !apack) return; /* out of memory: recorded by ck_scratch, thrown by addon.c */
  for (long pc = 0; pc < K; pc += kc_len) {
    int kc = (int)(K - pc < kc_len ? K - pc : kc_len);
    int acc = accumulate || pc > 0;
    for (long jc = 0; jc < N; jc += nc_max) {
      int nc = (int)(N - jc < nc_max ? N - jc : nc_max);
      B.pack(B.src, jc, nc, pc, kc, NR, bpack);
      for (long ic = 0; ic < M; ic += mc_max) {
        int mc = (int)(M - ic < mc_max ? M - ic : mc_max);
        A.pack(A.src, ic, mc, pc, kc, MR, apack);
        for (int jr = 0; jr < nc; jr += NR) {
          const float *bp = bpack + (size_t)(jr / NR) * kc * NR;
          int n = nc - jr < NR ? nc - jr : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            int m = mc - ir < MR ? mc - ir : MR;
            isa->kernel(kc, apack + (size_t)(ir / MR) * kc * MR, bp,
                        C + (ic + ir) * ldc + jc + jr, ldc, m, n, acc);
          }
        }
      }
    }
  }
}

void ck_panel_gemm(const ck_gemm_isa *isa, int m, int n, int K, const float *a, long lda, const float *b, float *c, long ldc) {
  if (isa->panel_gemm) {
    isa->panel_gemm(m, n, K, a, lda, b, isa->nr, (long)K * isa->nr, c, ldc, 0);
    return;
  }
  const int MR = isa->mr, NR = isa->nr;
  const float *rows[64];
  if (MR > 64) return; /* cannot happen: fixed ISA tables */
  for (int jr = 0; jr < n; jr += NR)
    for (int ir = 0; ir < m; ir += MR) {
      for (int i = 0; i < MR; i++) rows[i] = a + (long)(ir + i < m ? ir + i : m - 1) * lda;
      isa->conv_fwd(1, K, rows, b + (long)(jr / NR) * K * NR, c + (long)ir * ldc + jr, ldc,
                    m - ir < MR ? m - ir : MR, n - jr < NR ? n - jr : NR, 0);
    }
}

typedef struct {
  const ck_gemm_isa *isa;
  ck_plain a, b;
  int transA, transB, accumulate, splitM, nopack;
  long m, n, k, ldc;
  float *c;
} matmul_job;

/*
 * C (+)= A . B with both operands row-major, read in place by isa->panel_gemm
 * (N % NR == 0). Packing B cost a quarter of the dense layer's forward product
 * at batch 128: each packed weight is used only M / MR times. The depth blocks
 * are ck_gemm_serial's (depth_block), so the sums are the same.
 */
static void nopack_gemm(const ck_gemm_isa *isa, long M, long N, long K, ck_plain a, ck_plain b, float *C, long ldc, int accumulate) {
  const long kc_len = depth_block(isa, K);
  for (long pc = 0; pc < K; pc += kc_len) {
    long kc = K - pc < kc_len ? K - pc : kc_len;
    for (long ic = 0; ic < M; ic += isa->mc) {
      long mc = M - ic < isa->mc ? M - ic : isa->mc;
      isa->panel_gemm((int)mc, (int)N, (int)kc, a.p + ic * a.ld + pc, a.ld, b.p + pc * b.ld, b.ld, isa->nr,
                      C + ic * ldc, ldc, accumulate || pc > 0);
    }
  }
}

/* Rows [lo, hi) of C (splitM), or columns. */
static void matmul_range(void *ctx, long lo, long hi, int thread) {
  const matmul_job *j = ctx;
  ck_plain a = j->a, b = j->b;
  long M = j->m, N = j->n;
  float *c = j->c;
  /* Shift the operand origin to the task's slice; strides stay the same. */
  if (j->splitM) {
    a.p += j->transA ? lo : lo * a.ld;
    c += lo * j->ldc;
    M = hi - lo;
  } else {
    b.p += j->transB ? lo * b.ld : lo;
    c += lo;
    N = hi - lo;
  }
  if (j->nopack) {
    nopack_gemm(j->isa, M, N, j->k, a, b, c, j->ldc, j->accumulate);
    return;
  }
  ck_operand A = {j->transA ? ck_pack_kmajor : ck_pack_rmajor, &a};
  ck_operand B = {j->transB ? ck_pack_rmajor : ck_pack_kmajor, &b};
  ck_gemm_serial(j->isa, thread, M, N, j->k, A, B, c, j->ldc, j->accumulate);
}

void ck_matmul(const float *a, const float *b, float *c, long m, long n, long k,
               int transA, int transB, int accumulate) {
  matmul_job j;
  j.isa = ck_isa()->gemm;
  j.a.p = a;
  j.a.ld = transA ? m : k;
  j.b.p = b;
  j.b.ld = transB ? k : n;
  j.transA = transA;
  j.transB = transB;
  j.accumulate = accumulate;
  j.m = m;
  j.n = n;
  j.k = k;
  j.ldc = n;
  j.c = c;
  /* Small products are not worth a second thread (about 10 us of work). One
     task per thread: each task packs the whole operand it does not split. */
  double flops = 2.0 * m * n * (k > 0 ? k : 1);
  int parts = flops < 2e5 ? 1 : ck_pool_threads();
  /* Split the dimension with more register tiles; M wins ties (A packs are bigger). */
  j.splitM = (m + j.isa->mr - 1) / j.isa->mr >= (n + j.isa->nr - 1) / j.isa->nr;
  j.nopack = !transA && !transB && j.isa->panel_gemm && n % j.isa->nr == 0 && k > 0;
  ck_pool_for(j.splitM ? m : n, parts, j.splitM ? j.isa->mr : j.isa->nr, matmul_range, &j);
}
