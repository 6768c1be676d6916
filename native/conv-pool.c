/*
 * A single-channel 3x3 convolution, bias, relu and 2x2 max pooling in one pass
 * (the seed CNN's first block): each pooled output is computed from its four
 * conv outputs while they are in registers, so the conv output (86 KB per
 * 28x28 image, 11 MB for a batch of 128) is never written or read back.
 * argmax is what ck_max_pool would give on the conv + relu output: the flat
 * index ((n*OH + y)*OW + x)*OC + oc of the first window element, in row-major
 * window order, that is strictly greater than those before it.
 * Threads split pooled rows; every output depends on its own window only.
 */
#include "conv-pool.h"

typedef struct {
  const ck_conv_info *c;
  const ck_pool_info *p;
  const float *x, *w, *bias;
  float *y;
  int32_t *argmax;
  int parts;
} cp_job;

int ck_conv_relu_pool_applies(const ck_conv_info *c, const ck_pool_info *p) {
  return c->inC == 1 && c->kH == 3 && c->kW == 3 && c->strideH == 1 && c->strideW == 1 && c->padTop == 0 &&
         c->padLeft == 0 && c->outH == c->inH - 2 && c->outW == c->inW - 2 && p->poolH == 2 && p->poolW == 2 &&
         p->strideH == 2 && p->strideW == 2 && p->padTop == 0 && p->padLeft == 0 && p->batch == c->batch &&
         p->inH == c->outH && p->inW == c->outW && p->C == c->outC && p->outH == c->outH / 2 &&
         p->outW == c->outW / 2 && c->batch * c->outH * c->outW * c->outC <= 2147483647L;
}

/* One pooled row (n, py), channels [oc0, OC) by the scalar path (any OC). */
static void pooled_row_scalar(const cp_job *j, long n, long py, long oc0) {
  const ck_conv_info *c = j->c;
  const long W = c->inW, OW = c->outW, OC = c->outC, PW = j->p->outW;
  const float *xn = j->x + n * c->inH * W;
  for (long px = 0; px < PW; px++) {
    long out = ((n * j->p->outH + py) * PW + px) * OC;
    for (long oc = oc0; oc < OC; oc++) {
      float best = 0.0f;
      long best_at = 0;
      for (int q = 0; q < 4; q++) {
        long yy = 2 * py + q / 2, xx = 2 * px + q % 2;
        float z = j->bias ? j->bias[oc] : 0.0f;
        for (int t = 0; t < 9; t++) z += xn[(yy + t / 3) * W + xx + t % 3] * j->w[t * OC + oc];
        float v = z > 0.0f ? z : 0.0f;
        if (q == 0 || v > best) {
          best = v;
          best_at = ((n * c->outH + yy) * OW + xx) * OC + oc;
        }
      }
      j->y[out + oc] = best;
      if (j->argmax) j->argmax[out + oc] = (int32_t)best_at;
    }
  }
}

#if CK_X86
#include <immintrin.h>

/*
 * One pooled row, 16 channels at a time: the window's 4 conv outputs x 16
 * channels are 8 accumulators; each of the 9 taps loads 2 weight vectors and
 * broadcasts 4 input pixels. Returns the first channel it did not do.
 */
__attribute__((target("avx2,fma"))) static long pooled_row_avx2(const cp_job *j, long n, long py) {
  const ck_conv_info *c = j->c;
  const long W = c->inW, OW = c->outW, OC = c->outC, PW = j->p->outW;
  const float *xn = j->x + n * c->inH * W;
  const __m256 zero = _mm256_setzero_ps();
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  long oc0 = 0;
  for (; oc0 + 16 <= OC; oc0 += 16) {
    __m256 b0 = j->bias ? _mm256_loadu_ps(j->bias + oc0) : zero, b1 = j->bias ? _mm256_loadu_ps(j->bias + oc0 + 8) : zero;
    for (long px = 0; px < PW; px++) {
      __m256 acc[4][2];
      for (int q = 0; q < 4; q++) acc[q][0] = b0, acc[q][1] = b1;
      const float *corner = xn + 2 * py * W + 2 * px;
#pragma GCC unroll 9
      for (int t = 0; t < 9; t++) {
        const float *wt = j->w + t * OC + oc0, *xt = corner + (t / 3) * W + t % 3;
        __m256 w0 = _mm256_loadu_ps(wt), w1 = _mm256_loadu_ps(wt + 8);
#pragma GCC unroll 4
        for (int q = 0; q < 4; q++) {
          __m256 xv = _mm256_broadcast_ss(xt + (q / 2) * W + q % 2);
          acc[q][0] = _mm256_fmadd_ps(xv, w0, acc[q][0]);
          acc[q][1] = _mm256_fmadd_ps(xv, w1, acc[q][1]);
        }
      }
      long out = ((n * j->p->outH + py) * PW + px) * OC + oc0;
      for (int h = 0; h < 2; h++) {
        /* relu as _mm256_max_ps(v, 0), like the separate bias+relu kernel; then the strict-greater window scan. */
        __m256 best = _mm256_max_ps(acc[0][h], zero);
        long base0 = ((n * c->outH + 2 * py) * OW + 2 * px) * OC + oc0 + 8 * h;
        __m256i best_at = _mm256_add_epi32(_mm256_set1_epi32((int32_t)base0), lane);
        for (int q = 1; q < 4; q++) {
          __m256 v = _mm256_max_ps(acc[q][h], zero);
          __m256 greater = _mm256_cmp_ps(v, best, _CMP_GT_OQ);
          long base = ((n * c->outH + 2 * py + q / 2) * OW + 2 * px + q % 2) * OC + oc0 + 8 * h;
          __m256i at = _mm256_add_epi32(_mm256_set1_epi32((int32_t)base), lane);
          best = _mm256_blendv_ps(best, v, greater);
          best_at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(best_at), _mm256_castsi256_ps(at), greater));
        }
        _mm256_storeu_ps(j->y + out + 8 * h, best);
        if (j->argmax) _mm256_storeu_si256((__m256i *)(j->argmax + out + 8 * h), best_at);
      }
    }
  }
  return oc0;
}
#endif

static void rows_task(void *ctx, int task, int thread) {
  (void)thread;
  const cp_job *j = ctx;
  long lo, hi;
  ck_split(j->c->batch * j->p->outH, j->parts, task, 1, &lo, &hi);
  for (long row = lo; row < hi; row++) {
    long n = row / j->p->outH, py = row % j->p->outH, done = 0;
#if CK_X86
    if (ck_isa()->id != CK_ISA_PORTABLE) done = pooled_row_avx2(j, n, py);
#endif
    if (done < j->c->outC) pooled_row_scalar(j, n, py, done);
  }
}

int ck_conv_relu_pool(const float *x, const float *w, const float *bias, float *y, int32_t *argmax,
                      const ck_conv_info *c, const ck_pool_info *p) {
  if (!ck_conv_relu_pool_applies(c, p)) return 0;
  cp_job j = {.c = c, .p = p, .x = x, .w = w, .bias = bias, .y = y, .argmax = argmax};
  double flops = 2.0 * c->batch * c->outH * c->outW * c->outC * 9;
  j.parts = ck_pool_tasks(flops, 1e6);
  ck_pool_run(j.parts, rows_task, &j);
  return 1;
}
