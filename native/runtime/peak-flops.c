/*
 * Peak FMA throughput of this machine on the active ISA path, measured the
 * same way the GEMM microkernels issue work: independent multiply-add chains
 * held in registers, no memory traffic. The benchmark divides achieved GFLOPS
 * by this figure, so both must run in one process on the same path.
 * Every pool thread runs chains until one shared deadline; FLOPs are summed
 * over threads and divided by the wall time of the whole run.
 */
#define _GNU_SOURCE
#include "convkit.h"
#include "runtime/isa-target.h"

#include <stdatomic.h>
#include <time.h>

#if CK_X86
#include <immintrin.h>
#endif

#define BLOCK 2048 /* iterations between clock reads: a few microseconds */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* x = x*m + c with m < 1 converges to c/(1-m) ~ 1: no overflow, no denormals. */
static float mul = 0.9999999f, add = 1e-7f;
static volatile float sink;

/* Each returns the FLOPs it did for `blocks` x BLOCK iterations. */
double ck_peak_chains_portable(long blocks) {
  float acc[32];
  for (int i = 0; i < 32; i++) acc[i] = (float)i * 0.01f;
  const float m = mul, c = add;
  for (long b = 0; b < blocks; b++)
    for (int it = 0; it < BLOCK; it++)
      for (int i = 0; i < 32; i++) acc[i] = acc[i] * m + c;
  float s = 0.0f;
  for (int i = 0; i < 32; i++) s += acc[i];
  sink = s;
  return 2.0 * 32 * BLOCK * blocks;
}

#if CK_X86
/* 12 chains: two FMA pipes x 4-5 cycles latency need >= 10 in flight. */
CK_TARGET_AVX2 double ck_peak_chains_avx2(long blocks) {
  __m256 m = _mm256_set1_ps(mul), c = _mm256_set1_ps(add);
  __m256 a[12];
  for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps((float)i * 0.01f);
  for (long b = 0; b < blocks; b++)
    for (int it = 0; it < BLOCK; it++) {
#pragma GCC unroll 12
      for (int i = 0; i < 12; i++) a[i] = _mm256_fmadd_ps(a[i], m, c);
    }
  __m256 s = a[0];
  for (int i = 1; i < 12; i++) s = _mm256_add_ps(s, a[i]);
  sink = _mm256_cvtss_f32(s);
  return 2.0 * 8 * 12 * BLOCK * blocks;
}

CK_TARGET_AVX512 double ck_peak_chains_avx512(long blocks) {
  __m512 m = _mm512_set1_ps(mul), c = _mm512_set1_ps(add);
  __m512 a[16];
  for (int i = 0; i < 16; i++) a[i] = _mm512_set1_ps((float)i * 0.01f);
  for (long b = 0; b < blocks; b++)
    for (int it = 0; it < BLOCK; it++) {
#pragma GCC unroll 16
      for (int i = 0; i < 16; i++) a[i] = _mm512_fmadd_ps(a[i], m, c);
    }
  __m512 s = a[0];
  for (int i = 1; i < 16; i++) s = _mm512_add_ps(s, a[i]);
  sink = _mm512_reduce_add_ps(s);
  return 2.0 * 16 * 16 * BLOCK * blocks;
}
#endif

typedef struct {
  double deadline;
  double (*chains)(long);
  _Atomic double flops_total; /* summed by tasks */
} peak_job;

static void peak_task(void *ctx, int task, int thread) {
  (void)task;
  (void)thread;
  peak_job *j = ctx;
  double flops = 0.0;
  while (now_s() < j->deadline) flops += j->chains(1);
  double cur = atomic_load(&j->flops_total);
  while (!atomic_compare_exchange_weak(&j->flops_total, &cur, cur + flops)) {
  }
}

double ck_peak_gflops(double milliseconds) {
  peak_job j = {.chains = ck_isa()->peak_chains};
  atomic_init(&j.flops_total, 0.0);
  /* A short warm-up lets the cores reach their sustained clock first. */
  j.deadline = now_s() + 0.02;
  ck_pool_run(ck_pool_threads(), peak_task, &j);
  atomic_store(&j.flops_total, 0.0);
  double start = now_s();
  j.deadline = start + (milliseconds > 1 ? milliseconds : 1) * 1e-3;
  ck_pool_run(ck_pool_threads(), peak_task, &j);
  double seconds = now_s() - start;
  return atomic_load(&j.flops_total) / seconds * 1e-9;
}
