/*
 * Shared declarations of the convkit native backend (C11, N-API addon).
 * Layout: row-major; N batch, H/W input size, C channels, OH/OW output size,
 * OC output channels, KH/KW kernel size (see src/backend/backend.ts).
 */
#ifndef CONVKIT_H
#define CONVKIT_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(_M_X64)
#define CK_X86 1
#else
#define CK_X86 0
#endif

/* ---------- ISA dispatch (cpu-dispatch.c) ---------- */

typedef enum { CK_ISA_PORTABLE = 0, CK_ISA_AVX2 = 1, CK_ISA_AVX512 = 2 } ck_isa_id;

/*
 * GEMM microkernel: C[m,n] (+)= Apanel[kc,MR] . Bpanel[kc,NR] for one tile.
 * m <= MR and n <= NR give the valid part of the tile (edges of C); packed
 * panels are zero-padded so the kernel always runs full MR x NR arithmetic.
 */
typedef void (*ck_ukernel_fn)(int kc, const float *a, const float *b, float *c, long ldc,
                              int m, int n, int accumulate);

/*
 * Convolution microkernels that read the input through pointer tables instead
 * of a packed im2col copy (packing cost as much as the arithmetic for the lab
 * CNN's shapes). Both compute one MR x NR tile of C like ck_ukernel_fn.
 * conv_fwd: rows are output positions; rows[t*MR + i] points at the C input
 *   channels under tap t of position i (or at zeros for padding); b is the
 *   packed weight panel [taps*C][NR].
 * conv_wgrad: rows are (tap, channel) pairs, depth is positions q. Row i at
 *   position q reads ptrs[q*pstride][c0 + i] when per_tap_rows is 0 (rows are
 *   channels c0.. of one tap), or ptrs[q*pstride + i][c0] when it is 1 (rows
 *   are taps, C == 1). b rows are dy rows: b + q*ldb.
 */
typedef void (*ck_conv_fwd_fn)(int taps, int C, const float *const *rows, const float *b,
                               float *c, long ldc, int m, int n, int accumulate);
typedef void (*ck_conv_wgrad_fn)(int kc, const float *const *ptrs, long pstride, int c0, int per_tap_rows,
                                 const float *b, long ldb, float *c, long ldc, int m, int n, int accumulate);

/*
 * conv_fwd_add: the conv_fwd tile (full MR rows), then row i, columns < n, is
 * ADDED to crows[i] (skipped when NULL): a scatter-add epilogue for the fused
 * col2im of the input gradient (conv-input-grad.c). NULL in an ISA table
 * means "use the AVX2 table" (AVX-512 keeps no variant of its own).
 */
typedef void (*ck_conv_fwd_add_fn)(int taps, int C, const float *const *rows, const float *b,
                                   float *const *crows, int n);

/*
 * conv_wgrad_rows: the filter gradient when every window lies inside the
 * input (no padding overhang), so one pointer per position, at its window's
 * corner, reaches every tap: row i at position q reads corners[q][row_off[i]],
 * where row_off[i] = tap offset + channel of dw row k0 + i. Rows i >= m must
 * still hold a valid offset (callers repeat one); only rows < m are stored.
 * Rows run straight through (tap, channel) pairs, so C % MR leaves no partial
 * tiles per tap. NULL in an ISA table: conv2d.c uses conv_wgrad instead.
 */
typedef void (*ck_conv_wgrad_rows_fn)(int kc, const float *const *corners, const int *row_off,
                                      const float *b, long ldb, float *c, long ldc, int m, int n, int accumulate);

/*
 * panel_gemm: a whole product in one call, C[m x n] (+)= A[m x K] . B, with
 * no packing: one call per Winograd transform element (depth = a channel
 * count) instead of one per register tile, and the dense layers' forward
 * product straight from the weights. A is row-major at stride lda (a last,
 * partial register tile repeats row m - 1 in its spare rows). B's
 * column panel p (NR columns) is at b + p * pstride, its row k at + k * ldb:
 * NR-column packed panels are ldb = NR, pstride = K * NR; a row-major matrix is
 * ldb = its row length, pstride = NR (then n % NR must be 0: full-width loads).
 * C (stride ldc) is overwritten, or added to when accumulate is 1. NULL in an
 * ISA table: ck_panel_gemm loops over conv_fwd instead (packed B only).
 */
typedef void (*ck_panel_gemm_fn)(int m, int n, int K, const float *a, long lda, const float *b, long ldb, long pstride,
                                 float *c, long ldc, int accumulate);

typedef struct {
  int mr, nr;     /* register tile */
  int kc_max;     /* depth of a packed block: B micro-panel kc*NR stays in L1 */
  int mc;         /* rows of A per packed block: MC*kc stays in L2 */
  int nc;         /* columns of B per packed block */
  ck_ukernel_fn kernel;
  ck_conv_fwd_fn conv_fwd;
  ck_conv_wgrad_fn conv_wgrad;
  ck_conv_fwd_add_fn conv_fwd_add;
  ck_conv_wgrad_rows_fn conv_wgrad_rows;
  ck_panel_gemm_fn panel_gemm;
  /* One panel of ck_pack_rmajor: w <= R rows from `rows` (stride ld), kc deep, zero rows past w. */
  void (*pack_rmajor_panel)(const float *rows, long ld, int kc, int w, int R, float *dst);
} ck_gemm_isa;

extern const ck_gemm_isa ck_gemm_portable;
#if CK_X86
extern const ck_gemm_isa ck_gemm_avx2;
extern const ck_gemm_isa ck_gemm_avx512;
#endif

/*
 * Every instruction-set-specific entry point of one path (portable, avx2,
 * avx512): the one mechanism by which kernels reach per-ISA code. Each module
 * with per-ISA code exports one table per copy it has (compiled from one
 * source per ISA by runtime/isa-copies.h, or written with intrinsics), and
 * cpu-dispatch.c composes them into the three paths, choosing once (at load
 * or by setIsa) which path ck_isa() returns. Kernel files call through these
 * tables and never test the ISA themselves. The module tables are opaque
 * here: each is defined by its module's header.
 */
struct ck_simd_loops;
struct ck_wf5_loops;
struct ck_wg_transforms;
struct ck_conv_c1_kernels;
struct ck_conv_pool_direct_rows;
struct ck_sparse_rows;
struct ck_live_pairs_lanes;
typedef struct ck_isa_path {
  ck_isa_id id;
  const char *name;
  const ck_gemm_isa *gemm;
  /* The table whose conv_fwd_add and conv_wgrad_rows exist (avx512 has none: it uses avx2's). */
  const ck_gemm_isa *gemm_rows;
  const struct ck_simd_loops *loops;                /* ops/simd-loops-table.h */
  const struct ck_wf5_loops *wf5;                   /* winograd/winograd-f5.h */
  const struct ck_wg_transforms *winograd;          /* winograd/winograd-transforms.h */
  const struct ck_conv_c1_kernels *conv_c1;         /* conv/conv-c1.h */
  const struct ck_conv_pool_direct_rows *direct;    /* fused/conv-pool-direct.h */
  const struct ck_sparse_rows *sparse;              /* fused/conv-pool-sparse-backward.h */
  const struct ck_live_pairs_lanes *live_pairs;     /* fused/pool-live-pairs.h */
  /* The peak-flops FMA chains (peak-flops.c): the FLOPs done in `blocks` blocks. */
  double (*peak_chains)(long blocks);
} ck_isa_path;

/* The path in use (cpu-dispatch.c). */
const ck_isa_path *ck_isa(void);
/* 1 if this CPU can run the path. */
int ck_isa_supported(ck_isa_id id);
/* Parses "avx512" | "avx2" | "portable"; returns -1 when unknown. */
int ck_isa_parse(const char *name);
void ck_isa_set(ck_isa_id id);
/* Fastest supported path for this CPU, or CONVKIT_ISA when set; writes an error and returns -1 if it cannot. */
int ck_isa_init(char *err, size_t errlen);
/* One line saying why the current path was chosen (at load, or by setIsa). */
const char *ck_isa_reason(void);
void ck_isa_set_reason(const char *reason);

/* ---------- thread pool (thread-pool.c) ---------- */

#define CK_MAX_THREADS 64
#define CK_MAX_TASKS 64
/* Range splits (ck_pool_tasks) cut this many pieces per thread, claimed dynamically: at the
   end of a job one thread waits on the other's last piece, so finer pieces wait less. With 4,
   the caller waited 3.3-5.4% of the lab CNN's conv forwards at batch 128 (timed inside
   ck_pool_run); with 16, 2.2-2.8%. Pieces only cut ranges: no partial sums depend on them. */
#define CK_TASKS_PER_THREAD 16
/*
 * fn(ctx, task, thread): runs tasks 0..ntasks-1, each exactly once, on whichever
 * pool thread claims it first; `thread` (0 = the caller) only selects scratch.
 * A task's work and summation order must depend on its index alone, never on
 * the thread, so results do not depend on scheduling.
 */
typedef void (*ck_task_fn)(void *ctx, int task, int thread);
void ck_pool_run(int ntasks, ck_task_fn fn, void *ctx);
/*
 * body(ctx, lo, hi, thread) on the non-empty pieces [lo, hi) of [0, total), cut into
 * `parts` pieces aligned to `align` by ck_split: the pieces depend on the arguments
 * only, so an element-wise or per-range result does not depend on the thread count.
 */
typedef void (*ck_range_fn)(void *ctx, long lo, long hi, int thread);
void ck_pool_for(long total, int parts, long align, ck_range_fn body, void *ctx);
int ck_pool_threads(void);
/* Task count for `work` units when one task should hold at least `grain` units:
   1 below the grain or with one thread, else up to CK_TASKS_PER_THREAD per thread. */
int ck_pool_tasks(double work, double grain);
void ck_pool_set_threads(int n);
int ck_cpu_count(void);

/* On the pool (parallel-helpers.c): chunk 0 of `partials` (nchunks chunks of `stride` floats)
   += chunks 1..nchunks-1, added in chunk order; and dst[c][r] = src[r][c] for src [rows][cols]. */
void ck_add_partials(float *partials, long nchunks, long stride);
void ck_transpose(const float *src, float *dst, long rows, long cols);
/*
 * Chunk boundaries for work summed per chunk (partial sums added in chunk order): chunk k of K
 * is [start[k], start[k + 1]) of [0, total), a share 2(K - k) - 1 of K^2 (for 8 chunks of 128:
 * 30, 26, 22, 18, 14, 10, 6, 2). Threads claim chunks in order, so the last ones claimed are
 * small and a thread that finishes first waits for at most a small one. Depends on total and
 * K only. start has K + 1 entries.
 */
void ck_shrinking_chunks(long total, long K, long *start);

/* Peak FMA GFLOPS of the active ISA on all pool threads (peak-flops.c). */
double ck_peak_gflops(double milliseconds);
/* Its FMA chains per path (ck_isa_path.peak_chains). */
double ck_peak_chains_portable(long blocks);
#if CK_X86
double ck_peak_chains_avx2(long blocks);
double ck_peak_chains_avx512(long blocks);
#endif

/* ---------- per-thread grow-only scratch (scratch.c) ---------- */

/*
 * A grow-only buffer per pool thread. Each file declares its own slots
 * (static ck_scratch_slot), so no two users share one and no global list of
 * slots has to be kept in step; a thread index keeps tasks apart.
 */
typedef struct {
  float *buffer[CK_MAX_THREADS];
  size_t size[CK_MAX_THREADS];
} ck_scratch_slot;
/* 64-byte aligned, at least nfloats; NULL on allocation failure, which is also
   recorded so the addon can throw once the kernel returns (kernels just stop). */
float *ck_scratch(int thread, ck_scratch_slot *slot, size_t nfloats);
/* 1 if a scratch allocation failed since the last call (and clears it). */
int ck_take_alloc_failure(void);

/* ---------- GEMM (gemm.c) ---------- */

/*
 * A packer writes rows [r0, r0+rows) x depth [k0, k0+kc) of a logical matrix
 * as ceil(rows/R) panels, each kc*R floats laid out [k][R], zero-padded rows.
 * The same shape packs A (rows = M) and B (rows = N columns of B).
 */
typedef void (*ck_pack_fn)(const void *src, long r0, int rows, long k0, int kc, int R, float *dst);

typedef struct {
  ck_pack_fn pack;
  const void *src;
} ck_operand;

/* A plain strided matrix: element(r, k) = rmajor ? p[r*ld + k] : p[k*ld + r]. */
typedef struct {
  const float *p;
  long ld;
} ck_plain;
void ck_pack_rmajor(const void *src, long r0, int rows, long k0, int kc, int R, float *dst);
/* ck_gemm_isa.pack_rmajor_panel by scalar moves (gemm.c), and by 8x8 AVX2 transposes where w == R is a multiple of 8. */
void ck_pack_rmajor_panel_portable(const float *rows, long ld, int kc, int w, int R, float *dst);
#if CK_X86
void ck_pack_rmajor_panel_avx2(const float *rows, long ld, int kc, int w, int R, float *dst);
#endif
void ck_pack_kmajor(const void *src, long r0, int rows, long k0, int kc, int R, float *dst);

/* Serial blocked GEMM on the calling thread's scratch: C[M,N] (+)= A[M,K] . B[K,N]. */
void ck_gemm_serial(const ck_gemm_isa *isa, int thread, long M, long N, long K,
                    ck_operand A, ck_operand B, float *C, long ldc, int accumulate);

/* C = A . B through isa->panel_gemm, B packed as NR-column panels; through isa->conv_fwd where the table has none. */
void ck_panel_gemm(const ck_gemm_isa *isa, int m, int n, int K, const float *a, long lda, const float *b, float *c, long ldc);

/* Public matmul (backend contract), threaded over M or N, never over K. */
void ck_matmul(const float *a, const float *b, float *c, long m, long n, long k,
               int transA, int transB, int accumulate);

/* ---------- convolution (conv2d.c) ---------- */

typedef struct {
  long batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, padTop, padLeft;
} ck_conv_info;

/* bias (may be NULL) and act (a ck_act, or -1 for none): y = act(conv + bias),
   applied to each block of y right after it is computed, while in cache. */
void ck_conv2d(const float *x, const float *w, float *y, const ck_conv_info *g, const float *bias, int act);
void ck_conv2d_backprop_input(const float *dy, const float *w, float *dx, const ck_conv_info *g);
void ck_conv2d_backprop_filter(const float *x, const float *dy, float *dw, const ck_conv_info *g);

/* ---------- pooling (pool.c) ---------- */

typedef struct {
  long batch, inH, inW, C, outH, outW, poolH, poolW, strideH, strideW, padTop, padLeft;
} ck_pool_info;

void ck_max_pool(const float *x, float *y, int32_t *argmax, const ck_pool_info *g);
void ck_max_pool_backprop(const float *dy, const int32_t *argmax, float *dx, const ck_pool_info *g);
/* Same; returns -1, or the first output index whose argmax is outside its own image (skipped). */
long ck_max_pool_backprop_checked(const float *dy, const int32_t *argmax, float *dx, const ck_pool_info *g);

/* ---------- average pooling (avg-pool.c) ---------- */

/* Only a window's cells inside the input count; a window entirely in padding gives 0. */
void ck_avg_pool(const float *x, float *y, const ck_pool_info *g);
void ck_avg_pool_backprop(const float *dy, float *dx, const ck_pool_info *g);

/* ---------- batch normalization (batch-norm.c), over x[rows, cols] ---------- */

/* moments = [mean | biased variance] per column. */
void ck_batch_norm_moments(const float *x, float *moments, long rows, long cols);
/* y = x * scale[c] + shift[c], then relu when activation is CK_ACT_RELU (y may alias x). */
void ck_channel_affine(const float *x, float *y, const float *scale, const float *shift, long rows, long cols,
                       int activation);
/* stats = [mean | invStd | gamma]; grads = [dgamma | dbeta]; relu (the relu's output) masks dy when given. */
void ck_batch_norm_backprop(const float *x, const float *dy, float *dx, const float *stats, float *grads,
                            const float *relu, long rows, long cols);

/* ---------- element-wise (elementwise.c) ---------- */

/* LINEAR..TANH are differentiated from the output y; LEAKY_RELU..SWISH from the
   pre-activation z, which their backprop reads where the others read y (the
   layer keeps z; gelu's and swish's derivatives cannot be had from y). Only
   LINEAR..TANH run as a convolution epilogue. */
typedef enum {
  CK_ACT_LINEAR = 0, CK_ACT_RELU = 1, CK_ACT_SIGMOID = 2, CK_ACT_TANH = 3,
  CK_ACT_LEAKY_RELU = 4, CK_ACT_ELU = 5, CK_ACT_GELU = 6, CK_ACT_SWISH = 7
} ck_act;
/* Keras's defaults, as src/backend/backend.ts states them. */
#define CK_LEAKY_RELU_SLOPE 0.2
#define CK_ELU_ALPHA 1.0

void ck_bias_activation(float *y, const float *bias, long rows, long cols, int act);
void ck_activation_backprop(int act, const float *y, const float *dy, float *dx, long n);
void ck_bias_grad(const float *dy, float *db, long rows, long cols);
/* Serial bias + activation on rows [0, rows) of y (the conv epilogue). */
void ck_bias_act_rows(float *y, const float *bias, long rows, long cols, int act);
/* dx = dy * act'(y) and db = column sums of dx in one pass (dx may alias dy). */
void ck_activation_bias_grad(int act, const float *y, const float *dy, float *dx, float *db, long rows, long cols);
void ck_softmax(const float *x, float *y, long rows, long cols);
void ck_softmax_backprop(const float *y, const float *dy, float *dx, long rows, long cols);
double ck_softmax_xent_sparse(const float *logits, const int32_t *labels, float *probs, float *dlogits,
                              long rows, long cols, double scale);
double ck_softmax_xent_dense(const float *logits, const float *targets, float *probs, float *dlogits,
                             long rows, long cols, double scale);

/* ---------- optimizers (optimizers.c) ---------- */

void ck_adam(float *param, const float *grad, float *m, float *v, long n,
             float alpha, float beta1, float beta2, float eps);
void ck_sgd(float *param, const float *grad, float *velocity, long n,
            float lr, float momentum, int nesterov);
void ck_rmsprop(float *param, const float *grad, float *ms, long n, float lr, float rho, float eps);

/* ---------- data movement (gather-rows.c) ---------- */

/* Row i of dst (len floats) = row rows[i] of src (src_rows rows), for i < count. Returns -1, or
   the first i whose rows[i] is outside [0, src_rows) (then nothing is written). */
long ck_gather_rows(const float *src, long src_rows, long len, const int32_t *rows, long count, float *dst);

/* Splits [0, total) into parts pieces; piece i is [*lo, *hi), aligned to `align` except the end. */
static inline void ck_split(long total, int parts, int i, long align, long *lo, long *hi) {
  long units = (total + align - 1) / align;
  long a = units * i / parts, b = units * (i + 1) / parts;
  *lo = a * align < total ? a * align : total;
  *hi = b * align < total ? b * align : total;
}

#endif
