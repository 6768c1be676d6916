/*
 * Geometry validation at the N-API boundary (see geometry-check.h). The rules
 * mirror src/core/conv-geometry.ts: for one axis with input `in`, window `k`,
 * stride `s`, leading padding `pad` and output `out`, the trailing padding is
 * implied and lies in [0, k - 1], so
 *   floor((in + pad - k) / s) + 1 <= out <= floor((in + pad - 1) / s) + 1,
 * i.e. no window that fits the padded input is left out, and the last window
 * still starts inside the input. Both 'valid' and 'same' satisfy this; issue
 * 19's crashes (padLeft 10 with a 1x1 kernel, a 0x0 pool output, sizes whose
 * products wrapped to 0) do not.
 */
#include "napi/geometry-check.h"

#include <stdarg.h>
#include <stdio.h>

/* Flat indices, argmax and several kernel loop counters are int32: no buffer may exceed this. */
#define CK_MAX_ELEMENTS 2147483647L
/* im2col-sized products (positions x taps x channels) stay well inside int64. */
#define CK_MAX_WORK (1L << 62)

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return 0;
}

static long floor_div(long a, long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* Product of n factors (all >= 1) in 64-bit with overflow detection; 0 when it passes `limit`. */
static int product(long *out, long limit, int n, const long *factors) {
  long p = 1;
  for (int i = 0; i < n; i++)
    if (__builtin_mul_overflow(p, factors[i], &p) || p > limit) return 0;
  *out = p;
  return 1;
}

static int at_least_one(const char *kernel, const char *what, const char *const *names, const long *v, int n,
                        char *err, size_t errlen) {
  for (int i = 0; i < n; i++)
    if (v[i] < 1)
      return fail(err, errlen, "convkit native %s: %s %s: expected an integer >= 1; received %ld", kernel, what,
                  names[i], v[i]);
  return 1;
}

static int pad_below_window(const char *kernel, const char *what, const char *pad_name, long pad, const char *k_name,
                            long k, char *err, size_t errlen) {
  if (pad < 0 || pad >= k)
    return fail(err, errlen, "convkit native %s: %s %s: expected 0 <= %s < %s %ld; received %ld", kernel, what,
                pad_name, pad_name, k_name, k, pad);
  return 1;
}

/* One spatial axis: output consistent with input, window, stride and padding (see the top of this file). */
static int axis(const char *kernel, const char *what, const char *in_name, long in, const char *out_name, long out,
                const char *k_name, long k, long s, const char *pad_name, long pad, char *err, size_t errlen) {
  long lo = floor_div(in + pad - k, s) + 1, hi = floor_div(in + pad - 1, s) + 1;
  if (lo < 1) lo = 1;
  if (out < lo || out > hi) {
    char range[64];
    if (lo == hi) snprintf(range, sizeof range, "%ld", lo);
    else snprintf(range, sizeof range, "%ld to %ld", lo, hi);
    return fail(err, errlen, "convkit native %s: %s %s: expected %s for %s %ld, %s %ld, stride %ld and %s %ld; received %ld",
                kernel, what, out_name, range, in_name, in, k_name, k, s, pad_name, pad, out);
  }
  return 1;
}

static int sizes_fit(const char *kernel, const char *what, const char *buffer, const char *shape, long *out,
                     const long *factors, char *err, size_t errlen) {
  if (!product(out, CK_MAX_ELEMENTS, 4, factors))
    return fail(err, errlen,
                "convkit native %s: %s %s %s: expected at most %ld elements; received [%ld, %ld, %ld, %ld]", kernel,
                what, buffer, shape, CK_MAX_ELEMENTS, factors[0], factors[1], factors[2], factors[3]);
  return 1;
}

int ck_conv_geometry_check(const int32_t *f, size_t count, const char *kernel, ck_conv_info *g, ck_conv_sizes *sizes,
                           char *err, size_t errlen) {
  if (count != CK_CONV_FIELDS)
    return fail(err, errlen, "convkit native %s: conv geometry: expected an Int32Array of %d fields; received %zu",
                kernel, CK_CONV_FIELDS, count);
  *g = (ck_conv_info){f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12]};
  static const char *const names[] = {"batch",       "inHeight",     "inWidth",      "inChannels",
                                      "outHeight",   "outWidth",     "outChannels",  "kernelHeight",
                                      "kernelWidth", "strideHeight", "strideWidth"};
  const long dims[] = {g->batch, g->inH,  g->inW,     g->inC,     g->outH,   g->outW,
                       g->outC,  g->kH,   g->kW,      g->strideH, g->strideW};
  if (!at_least_one(kernel, "conv", names, dims, 11, err, errlen) ||
      !pad_below_window(kernel, "conv", "padTop", g->padTop, "kernelHeight", g->kH, err, errlen) ||
      !pad_below_window(kernel, "conv", "padLeft", g->padLeft, "kernelWidth", g->kW, err, errlen))
    return 0;
  if (!axis(kernel, "conv", "inHeight", g->inH, "outHeight", g->outH, "kernelHeight", g->kH, g->strideH, "padTop",
            g->padTop, err, errlen) ||
      !axis(kernel, "conv", "inWidth", g->inW, "outWidth", g->outW, "kernelWidth", g->kW, g->strideW, "padLeft",
            g->padLeft, err, errlen))
    return 0;
  const long xf[] = {g->batch, g->inH, g->inW, g->inC}, wf[] = {g->kH, g->kW, g->inC, g->outC},
             yf[] = {g->batch, g->outH, g->outW, g->outC};
  if (!sizes_fit(kernel, "conv", "x", "[N, H, W, C]", &sizes->x, xf, err, errlen) ||
      !sizes_fit(kernel, "conv", "w", "[KH, KW, C, OC]", &sizes->w, wf, err, errlen) ||
      !sizes_fit(kernel, "conv", "y", "[N, OH, OW, OC]", &sizes->y, yf, err, errlen))
    return 0;
  /* The im2col matrix of the whole batch and the multiply count, which kernels size scratch and split work by. */
  const long work[] = {g->batch, g->outH, g->outW, g->kH, g->kW, g->inC, g->outC};
  long w;
  if (!product(&w, CK_MAX_WORK, 7, work))
    return fail(err, errlen,
                "convkit native %s: conv: expected N*OH*OW*KH*KW*C*OC below 2^62; received %ld*%ld*%ld*%ld*%ld*%ld*%ld",
                kernel, work[0], work[1], work[2], work[3], work[4], work[5], work[6]);
  return 1;
}

int ck_pool_geometry_check(const int32_t *f, size_t count, const char *kernel, ck_pool_info *g, ck_pool_sizes *sizes,
                           char *err, size_t errlen) {
  if (count != CK_POOL_FIELDS)
    return fail(err, errlen, "convkit native %s: pool geometry: expected an Int32Array of %d fields; received %zu",
                kernel, CK_POOL_FIELDS, count);
  *g = (ck_pool_info){f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]};
  static const char *const names[] = {"batch",      "inHeight",  "inWidth",      "channels",   "outHeight",
                                      "outWidth",   "poolHeight", "poolWidth", "strideHeight", "strideWidth"};
  const long dims[] = {g->batch, g->inH, g->inW, g->C, g->outH, g->outW, g->poolH, g->poolW, g->strideH, g->strideW};
  if (!at_least_one(kernel, "pool", names, dims, 10, err, errlen) ||
      !pad_below_window(kernel, "pool", "padTop", g->padTop, "poolHeight", g->poolH, err, errlen) ||
      !pad_below_window(kernel, "pool", "padLeft", g->padLeft, "poolWidth", g->poolW, err, errlen))
    return 0;
  if (!axis(kernel, "pool", "inHeight", g->inH, "outHeight", g->outH, "poolHeight", g->poolH, g->strideH, "padTop",
            g->padTop, err, errlen) ||
      !axis(kernel, "pool", "inWidth", g->inW, "outWidth", g->outW, "poolWidth", g->poolW, g->strideW, "padLeft",
            g->padLeft, err, errlen))
    return 0;
  const long xf[] = {g->batch, g->inH, g->inW, g->C}, yf[] = {g->batch, g->outH, g->outW, g->C};
  return sizes_fit(kernel, "pool", "x", "[N, H, W, C]", &sizes->x, xf, err, errlen) &&
         sizes_fit(kernel, "pool", "y", "[N, OH, OW, C]", &sizes->y, yf, err, errlen);
}

int ck_conv_pool_chain_check(const ck_conv_info *c, const ck_pool_info *p, const char *kernel, char *err,
                             size_t errlen) {
  if (p->batch != c->batch || p->inH != c->outH || p->inW != c->outW || p->C != c->outC)
    return fail(err, errlen,
                "convkit native %s: the pool must read the conv's output: expected pool [batch, inHeight, inWidth, "
                "channels] = [%ld, %ld, %ld, %ld]; received [%ld, %ld, %ld, %ld]",
                kernel, c->batch, c->outH, c->outW, c->outC, p->batch, p->inH, p->inW, p->C);
  return 1;
}
