/*
 * N-API glue: unwraps typed arrays without copying (napi_get_typedarray_info)
 * and calls the kernels. The TypeScript wrapper validates shapes with friendly
 * messages, but this file is safe on its own against any call from JS: every
 * convolution and pooling geometry is checked whole by geometry-check.c before
 * a buffer is unwrapped, and every buffer against the sizes that check computed
 * in 64-bit arithmetic. One mutex serialises calls, because the thread pool and
 * scratch buffers are process-wide and worker_threads could otherwise enter
 * them at the same time.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convkit.h"
#include "fused/conv-pool-algorithms.h"
#include "napi/bindings.h"
#include "napi/geometry-check.h"
#include "winograd/winograd.h"

static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;

/* Each binding's parameters as argv indices, from bindings.h: enum { conv2d__x, conv2d__w, ..., conv2d__count }. */
#define PARAMETER_INDEX(binding, parameter) binding##__##parameter,
#define PARAMETER_ENUM(name, fn, ...) enum { CK_FOR_EACH(PARAMETER_INDEX, name, __VA_ARGS__) name##__count };
CK_BINDINGS(PARAMETER_ENUM)

/* Unwraps the call's arguments; fewer than the binding's parameters is a TypeError. */
#define ARGS(binding)                                                                \
  size_t argc = binding##__count;                                                    \
  napi_value argv[binding##__count];                                                 \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;  \
  if (argc < binding##__count) {                                                     \
    char argc_msg_[160];                                                             \
    snprintf(argc_msg_, sizeof argc_msg_, "convkit native: %s expects %d arguments; received %zu", #binding, \
             (int)binding##__count, argc);                                           \
    napi_throw_type_error(env, NULL, argc_msg_);                                     \
    return NULL;                                                                     \
  }
/* The argument of that name. */
#define ARG(binding, parameter) argv[binding##__##parameter]

static int is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_null || t == napi_undefined;
}

/* Returns the data of a typed array of the given type holding at least `need` elements, and its length in length_out (may be NULL). */
static void *typed(napi_env env, napi_value v, napi_typedarray_type want, const char *name,
                   long need, int optional, int *ok, long *length_out) {
  *ok = 0;
  if (optional && is_nullish(env, v)) {
    *ok = 1;
    return NULL;
  }
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  char msg[200];
  if (!is_ta) {
    snprintf(msg, sizeof msg, "convkit native: %s must be a %s", name,
             want == napi_float32_array ? "Float32Array" : "Int32Array");
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_get_typedarray_info(env, v, &type, &length, &data, NULL, NULL);
  if (type != want) {
    snprintf(msg, sizeof msg, "convkit native: %s must be a %s", name,
             want == napi_float32_array ? "Float32Array" : "Int32Array");
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  if (need < 0 || (long)length < need) {
    snprintf(msg, sizeof msg, "convkit native: %s needs at least %ld elements; received %zu", name, need, length);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  if (length_out) *length_out = (long)length;
  *ok = 1;
  return data;
}

static long int_arg(napi_env env, napi_value v, int *ok) {
  int64_t x = 0;
  /* At most 2^31 - 1: a product of two sizes (every buffer length here) then fits in int64. */
  if (napi_get_value_int64(env, v, &x) != napi_ok || x < 0 || x > 2147483647L) {
    napi_throw_range_error(env, NULL, "convkit native: sizes must be integers from 0 to 2147483647");
    *ok = 0;
  }
  return (long)x;
}

static double num_arg(napi_env env, napi_value v) {
  double x = 0;
  napi_get_value_double(env, v, &x);
  return x;
}

static int bool_arg(napi_env env, napi_value v) {
  bool b = false;
  napi_coerce_to_bool(env, v, &v);
  napi_get_value_bool(env, v, &b);
  return b;
}

#define F32(b, p, need) typed(env, ARG(b, p), napi_float32_array, #p, need, 0, &ok, NULL); if (!ok) return NULL
#define F32_OPT(b, p, need) typed(env, ARG(b, p), napi_float32_array, #p, need, 1, &ok, NULL); if (!ok) return NULL
#define I32(b, p, need) typed(env, ARG(b, p), napi_int32_array, #p, need, 0, &ok, NULL); if (!ok) return NULL
#define INT(b, p) int_arg(env, ARG(b, p), &ok); if (!ok) return NULL
/* Runs a kernel under the call lock; a failed scratch allocation inside it
   (the kernel then stops early, its output incomplete) becomes a JS Error. */
#define LOCKED(stmt)                                                                   \
  do {                                                                                 \
    pthread_mutex_lock(&call_lock);                                                    \
    stmt;                                                                              \
    int oom_ = ck_take_alloc_failure();                                                \
    pthread_mutex_unlock(&call_lock);                                                  \
    if (oom_) {                                                                        \
      napi_throw_error(env, NULL, "convkit native: out of memory allocating kernel scratch buffers; " \
                                  "use a smaller batch size or free memory");           \
      return NULL;                                                                     \
    }                                                                                  \
  } while (0)

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value js_matmul(napi_env env, napi_callback_info info) {
  ARGS(matmul);
  int ok = 1;
  long m = INT(matmul, m);
  long n = INT(matmul, n);
  long k = INT(matmul, k);
  float *a = F32(matmul, a, m * k);
  float *b = F32(matmul, b, k * n);
  float *c = F32(matmul, c, m * n);
  int ta = bool_arg(env, ARG(matmul, transA)), tb = bool_arg(env, ARG(matmul, transB)), acc = bool_arg(env, ARG(matmul, accumulate));
  LOCKED(ck_matmul(a, b, c, m, n, k, ta, tb, acc));
  return undefined(env);
}

/*
 * A geometry arrives as one Int32Array (Conv2DInfo / Pool2DInfo fields in
 * declaration order) and is checked whole by geometry-check.c before any
 * buffer is unwrapped; the buffer lengths are then checked against the sizes
 * it computed in 64-bit arithmetic.
 */
static int conv_geometry(napi_env env, napi_value v, const char *kernel, ck_conv_info *g, ck_conv_sizes *sizes) {
  int ok = 1;
  long count = 0;
  char msg[320];
  int32_t *fields = typed(env, v, napi_int32_array, "conv geometry", 0, 0, &ok, &count);
  if (!ok) return 0;
  if (!ck_conv_geometry_check(fields, (size_t)count, kernel, g, sizes, msg, sizeof msg)) {
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

static int pool_geometry(napi_env env, napi_value v, const char *kernel, ck_pool_info *g, ck_pool_sizes *sizes) {
  int ok = 1;
  long count = 0;
  char msg[320];
  int32_t *fields = typed(env, v, napi_int32_array, "pool geometry", 0, 0, &ok, &count);
  if (!ok) return 0;
  if (!ck_pool_geometry_check(fields, (size_t)count, kernel, g, sizes, msg, sizeof msg)) {
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

/* A conv followed by a pool over its output (the fused kernels). */
static int conv_pool_geometry(napi_env env, napi_value conv, napi_value pool, const char *kernel, ck_conv_info *g,
                              ck_conv_sizes *cs, ck_pool_info *pg, ck_pool_sizes *ps) {
  char msg[320];
  if (!conv_geometry(env, conv, kernel, g, cs) || !pool_geometry(env, pool, kernel, pg, ps)) return 0;
  if (!ck_conv_pool_chain_check(g, pg, kernel, msg, sizeof msg)) {
    napi_throw_range_error(env, NULL, msg);
    return 0;
  }
  return 1;
}

/* x, w, y, conv geometry, bias|null, activation code|null. */
static napi_value js_conv2d(napi_env env, napi_callback_info info) {
  ARGS(conv2d);
  ck_conv_info g;
  ck_conv_sizes s;
  int ok = 1;
  if (!conv_geometry(env, ARG(conv2d, conv), "conv2d", &g, &s)) return NULL;
  float *x = F32(conv2d, x, s.x);
  float *w = F32(conv2d, w, s.w);
  float *y = F32(conv2d, y, s.y);
  float *bias = F32_OPT(conv2d, bias, g.outC);
  long act = -1;
  if (!is_nullish(env, ARG(conv2d, activation))) {
    act = INT(conv2d, activation);
    if (act > CK_ACT_TANH) {
      napi_throw_range_error(env, NULL, "convkit native: activation code must be 0..3");
      return NULL;
    }
  }
  LOCKED(ck_conv2d(x, w, y, &g, bias, (int)act));
  return undefined(env);
}

/* dy, w, dx, conv geometry. */
static napi_value js_conv2d_bi(napi_env env, napi_callback_info info) {
  ARGS(conv2dBackpropInput);
  ck_conv_info g;
  ck_conv_sizes s;
  int ok = 1;
  if (!conv_geometry(env, ARG(conv2dBackpropInput, conv), "conv2dBackpropInput", &g, &s)) return NULL;
  float *dy = F32(conv2dBackpropInput, dy, s.y);
  float *w = F32(conv2dBackpropInput, w, s.w);
  float *dx = F32(conv2dBackpropInput, dx, s.x);
  LOCKED(ck_conv2d_backprop_input(dy, w, dx, &g));
  return undefined(env);
}

/* x, dy, dw, conv geometry. */
static napi_value js_conv2d_bf(napi_env env, napi_callback_info info) {
  ARGS(conv2dBackpropFilter);
  ck_conv_info g;
  ck_conv_sizes s;
  int ok = 1;
  if (!conv_geometry(env, ARG(conv2dBackpropFilter, conv), "conv2dBackpropFilter", &g, &s)) return NULL;
  float *x = F32(conv2dBackpropFilter, x, s.x);
  float *dy = F32(conv2dBackpropFilter, dy, s.y);
  float *dw = F32(conv2dBackpropFilter, dw, s.w);
  LOCKED(ck_conv2d_backprop_filter(x, dy, dw, &g));
  return undefined(env);
}

/* x, y, argmax|null, pool geometry. */
static napi_value js_max_pool(napi_env env, napi_callback_info info) {
  ARGS(maxPool);
  ck_pool_info g;
  ck_pool_sizes s;
  int ok = 1;
  if (!pool_geometry(env, ARG(maxPool, pool), "maxPool", &g, &s)) return NULL;
  float *x = F32(maxPool, x, s.x);
  float *y = F32(maxPool, y, s.y);
  int32_t *arg = typed(env, ARG(maxPool, argmax), napi_int32_array, "argmax", s.y, 1, &ok, NULL);
  if (!ok) return NULL;
  LOCKED(ck_max_pool(x, y, arg, &g));
  return undefined(env);
}

/* x, w, y, bias|null, argmax|null, conv geometry, pool geometry; returns whether it ran. */
static napi_value js_conv_relu_pool(napi_env env, napi_callback_info info) {
  ARGS(convReluMaxPool);
  ck_conv_info g;
  ck_pool_info pg;
  ck_conv_sizes cs;
  ck_pool_sizes ps;
  int ok = 1, done;
  if (!conv_pool_geometry(env, ARG(convReluMaxPool, conv), ARG(convReluMaxPool, pool), "conv2dReluMaxPool", &g, &cs, &pg, &ps)) return NULL;
  float *x = F32(convReluMaxPool, x, cs.x);
  float *w = F32(convReluMaxPool, w, cs.w);
  float *y = F32(convReluMaxPool, y, ps.y);
  float *bias = F32_OPT(convReluMaxPool, bias, g.outC);
  int32_t *arg = typed(env, ARG(convReluMaxPool, argmax), napi_int32_array, "argmax", ps.y, 1, &ok, NULL);
  if (!ok) return NULL;
  LOCKED(done = ck_conv_relu_pool(x, w, bias, y, arg, &g, &pg));
  napi_value result;
  napi_get_boolean(env, done, &result);
  return result;
}

/*
 * g, argmax, x, w|null, dw, dx|null, pooled|null, db|null, conv geometry, pool
 * geometry: the backward of conv + relu + 2x2 pool from the pooled gradient
 * (masked here by relu' when pooled is given); returns whether it ran.
 */
static napi_value js_pool_conv_backprop(napi_env env, napi_callback_info info) {
  ARGS(poolConvBackprop);
  ck_conv_info g;
  ck_pool_info pg;
  ck_conv_sizes cs;
  ck_pool_sizes ps;
  int ok = 1;
  if (!conv_pool_geometry(env, ARG(poolConvBackprop, conv), ARG(poolConvBackprop, pool), "maxPoolConv2dBackprop", &g, &cs, &pg, &ps)) return NULL;
  float *gp = F32(poolConvBackprop, g, ps.y);
  int32_t *arg = I32(poolConvBackprop, argmax, ps.y);
  float *x = F32(poolConvBackprop, x, cs.x);
  float *w = F32_OPT(poolConvBackprop, w, cs.w);
  float *dw = F32(poolConvBackprop, dw, cs.w);
  float *dx = F32_OPT(poolConvBackprop, dx, cs.x);
  float *pooled = F32_OPT(poolConvBackprop, pooled, ps.y);
  float *db = F32_OPT(poolConvBackprop, db, g.outC);
  if (dx && !w) {
    napi_throw_type_error(env, NULL, "convkit native: the input gradient needs the kernel w");
    return NULL;
  }
  long status;
  LOCKED(status = ck_pool_conv_backprop(gp, arg, x, w, dw, dx, pooled, db, &g, &pg));
  if (status >= 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "convkit native: argmax[%ld] = %d is not inside its own pooling window", status, arg[status]);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  napi_value result;
  napi_get_boolean(env, status == -1, &result);
  return result;
}

/* { algorithm, reason }: one of them a string, the other null. */
static napi_value algorithm_answer(napi_env env, const char *algorithm, const char *reason) {
  napi_value result, a, r;
  napi_create_object(env, &result);
  if (algorithm) napi_create_string_utf8(env, algorithm, NAPI_AUTO_LENGTH, &a); else napi_get_null(env, &a);
  if (algorithm) napi_get_null(env, &r); else napi_create_string_utf8(env, reason, NAPI_AUTO_LENGTH, &r);
  napi_set_named_property(env, result, "algorithm", a);
  napi_set_named_property(env, result, "reason", r);
  return result;
}

/*
 * conv geometry, pool geometry: { forward, backward }, each the algorithm
 * convReluMaxPool / poolConvBackprop would run for them under the current
 * Winograd setting, or why none would (fused/conv-pool-algorithms.c). The
 * geometries are checked like every other; that the pool reads the conv's
 * output is one of the table's conditions here, so a mismatch is a reason.
 */
static napi_value js_conv_relu_pool_algorithms(napi_env env, napi_callback_info info) {
  ARGS(convReluMaxPoolAlgorithms);
  ck_conv_info g;
  ck_pool_info pg;
  ck_conv_sizes cs;
  ck_pool_sizes ps;
  if (!conv_geometry(env, ARG(convReluMaxPoolAlgorithms, conv), "convReluMaxPoolAlgorithms", &g, &cs) ||
      !pool_geometry(env, ARG(convReluMaxPoolAlgorithms, pool), "convReluMaxPoolAlgorithms", &pg, &ps))
    return NULL;
  char forward_why[600], backward_why[600];
  const char *forward, *backward;
  pthread_mutex_lock(&call_lock);
  forward = ck_conv_relu_pool_algorithm(&g, &pg, forward_why, sizeof forward_why);
  backward = ck_pool_conv_backprop_algorithm(&g, &pg, backward_why, sizeof backward_why);
  pthread_mutex_unlock(&call_lock);
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "forward", algorithm_answer(env, forward, forward_why));
  napi_set_named_property(env, result, "backward", algorithm_answer(env, backward, backward_why));
  return result;
}

/* dy, argmax, dx, pool geometry. */
static napi_value js_max_pool_bp(napi_env env, napi_callback_info info) {
  ARGS(maxPoolBackprop);
  ck_pool_info g;
  ck_pool_sizes s;
  int ok = 1;
  if (!pool_geometry(env, ARG(maxPoolBackprop, pool), "maxPoolBackprop", &g, &s)) return NULL;
  float *dy = F32(maxPoolBackprop, dy, s.y);
  int32_t *arg = I32(maxPoolBackprop, argmax, s.y);
  float *dx = F32(maxPoolBackprop, dx, s.x);
  long bad;
  LOCKED(bad = ck_max_pool_backprop_checked(dy, arg, dx, &g));
  if (bad >= 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "convkit native: argmax[%ld] = %d is not a position inside its own input image",
             bad, arg[bad]);
    napi_throw_range_error(env, NULL, msg);
  }
  return undefined(env);
}

/* x, y, pool geometry: average pooling (a window's cells inside the input count). */
static napi_value js_avg_pool(napi_env env, napi_callback_info info) {
  ARGS(avgPool);
  ck_pool_info g;
  ck_pool_sizes s;
  int ok = 1;
  if (!pool_geometry(env, ARG(avgPool, pool), "avgPool", &g, &s)) return NULL;
  float *x = F32(avgPool, x, s.x);
  float *y = F32(avgPool, y, s.y);
  LOCKED(ck_avg_pool(x, y, &g));
  return undefined(env);
}

static napi_value js_avg_pool_bp(napi_env env, napi_callback_info info) {
  ARGS(avgPoolBackprop);
  ck_pool_info g;
  ck_pool_sizes s;
  int ok = 1;
  if (!pool_geometry(env, ARG(avgPoolBackprop, pool), "avgPoolBackprop", &g, &s)) return NULL;
  float *dy = F32(avgPoolBackprop, dy, s.y);
  float *dx = F32(avgPoolBackprop, dx, s.x);
  LOCKED(ck_avg_pool_backprop(dy, dx, &g));
  return undefined(env);
}

/* Batch statistics divide by rows and read the first row: both sizes must be at least 1. */
static int rows_cols(napi_env env, const char *kernel, long rows, long cols) {
  if (rows >= 1 && cols >= 1) return 1;
  char msg[160];
  snprintf(msg, sizeof msg, "convkit native %s: expected rows >= 1 and cols >= 1; received rows %ld, cols %ld", kernel,
           rows, cols);
  napi_throw_range_error(env, NULL, msg);
  return 0;
}

static napi_value js_bn_moments(napi_env env, napi_callback_info info) {
  ARGS(batchNormMoments);
  int ok = 1;
  long rows = INT(batchNormMoments, rows);
  long cols = INT(batchNormMoments, cols);
  if (!rows_cols(env, "batchNormMoments", rows, cols)) return NULL;
  float *x = F32(batchNormMoments, x, rows * cols);
  float *moments = F32(batchNormMoments, moments, 2 * cols);
  LOCKED(ck_batch_norm_moments(x, moments, rows, cols));
  return undefined(env);
}

static napi_value js_channel_affine(napi_env env, napi_callback_info info) {
  ARGS(channelAffine);
  int ok = 1;
  long rows = INT(channelAffine, rows);
  long cols = INT(channelAffine, cols);
  long act = INT(channelAffine, activation);
  if (act != CK_ACT_LINEAR && act != CK_ACT_RELU) {
    napi_throw_range_error(env, NULL, "convkit native: channelAffine activation code must be 0 (linear) or 1 (relu)");
    return NULL;
  }
  float *x = F32(channelAffine, x, rows * cols);
  float *y = F32(channelAffine, y, rows * cols);
  float *scale = F32(channelAffine, scale, cols);
  float *shift = F32(channelAffine, shift, cols);
  LOCKED(ck_channel_affine(x, y, scale, shift, rows, cols, (int)act));
  return undefined(env);
}

/* x, dy, dx, statistics [mean | invStd | gamma], gradients [dgamma | dbeta], reluOutput|null, rows, cols. */
static napi_value js_bn_backprop(napi_env env, napi_callback_info info) {
  ARGS(batchNormBackprop);
  int ok = 1;
  long rows = INT(batchNormBackprop, rows);
  long cols = INT(batchNormBackprop, cols);
  if (!rows_cols(env, "batchNormBackprop", rows, cols)) return NULL;
  float *x = F32(batchNormBackprop, x, rows * cols);
  float *dy = F32(batchNormBackprop, dy, rows * cols);
  float *dx = F32(batchNormBackprop, dx, rows * cols);
  float *stats = F32(batchNormBackprop, statistics, 3 * cols);
  float *grads = F32(batchNormBackprop, gradients, 2 * cols);
  float *relu = F32_OPT(batchNormBackprop, reluOutput, rows * cols);
  LOCKED(ck_batch_norm_backprop(x, dy, dx, stats, grads, relu, rows, cols));
  return undefined(env);
}

static napi_value js_gather_rows(napi_env env, napi_callback_info info) {
  ARGS(gatherRows);
  int ok = 1;
  long len = INT(gatherRows, rowLength);
  long src_length = 0, count = 0;
  /* The row counts come from the arrays themselves: the source's whole rows, and every index. */
  float *src = typed(env, ARG(gatherRows, source), napi_float32_array, "source", 0, 0, &ok, &src_length);
  if (!ok) return NULL;
  int32_t *rows = typed(env, ARG(gatherRows, rows), napi_int32_array, "rows", 0, 0, &ok, &count);
  if (!ok) return NULL;
  const long src_rows = len > 0 ? src_length / len : 0;
  float *dst = F32(gatherRows, target, count * len);
  long bad;
  LOCKED(bad = ck_gather_rows(src, src_rows, len, rows, count, dst));
  if (bad >= 0) {
    char msg[200];
    snprintf(msg, sizeof msg, "convkit native: gatherRows: rows[%ld] = %d is not a row of the source (%ld rows of %ld)",
             bad, rows[bad], src_rows, len);
    napi_throw_range_error(env, NULL, msg);
  }
  return undefined(env);
}

static napi_value js_bias_activation(napi_env env, napi_callback_info info) {
  ARGS(biasActivation);
  int ok = 1;
  long rows = INT(biasActivation, rows);
  long cols = INT(biasActivation, cols);
  long act = INT(biasActivation, activation);
  float *y = F32(biasActivation, y, rows * cols);
  float *bias = F32_OPT(biasActivation, bias, cols);
  LOCKED(ck_bias_activation(y, bias, rows, cols, (int)act));
  return undefined(env);
}

static napi_value js_activation_backprop(napi_env env, napi_callback_info info) {
  ARGS(activationBackprop);
  int ok = 1;
  long act = INT(activationBackprop, activation);
  long n = INT(activationBackprop, n);
  float *y = F32(activationBackprop, y, n);
  float *dy = F32(activationBackprop, dy, n);
  float *dx = F32(activationBackprop, dx, n);
  LOCKED(ck_activation_backprop((int)act, y, dy, dx, n));
  return undefined(env);
}

static napi_value js_bias_grad(napi_env env, napi_callback_info info) {
  ARGS(biasGrad);
  int ok = 1;
  long rows = INT(biasGrad, rows);
  long cols = INT(biasGrad, cols);
  float *dy = F32(biasGrad, dy, rows * cols);
  float *db = F32(biasGrad, db, cols);
  LOCKED(ck_bias_grad(dy, db, rows, cols));
  return undefined(env);
}

static napi_value js_activation_bias_grad(napi_env env, napi_callback_info info) {
  ARGS(activationBackpropBiasGrad);
  int ok = 1;
  long act = INT(activationBackpropBiasGrad, activation);
  long rows = INT(activationBackpropBiasGrad, rows);
  long cols = INT(activationBackpropBiasGrad, cols);
  if (act > CK_ACT_SWISH) {
    napi_throw_range_error(env, NULL, "convkit native: activation code must be 0..7");
    return NULL;
  }
  float *y = F32(activationBackpropBiasGrad, y, rows * cols);
  float *dy = F32(activationBackpropBiasGrad, dy, rows * cols);
  float *dx = F32(activationBackpropBiasGrad, dx, rows * cols);
  float *db = F32(activationBackpropBiasGrad, db, cols);
  LOCKED(ck_activation_bias_grad((int)act, y, dy, dx, db, rows, cols));
  return undefined(env);
}

static napi_value js_softmax(napi_env env, napi_callback_info info) {
  ARGS(softmax);
  int ok = 1;
  long rows = INT(softmax, rows);
  long cols = INT(softmax, cols);
  float *x = F32(softmax, x, rows * cols);
  float *y = F32(softmax, y, rows * cols);
  ck_softmax(x, y, rows, cols);
  return undefined(env);
}

static napi_value js_softmax_bp(napi_env env, napi_callback_info info) {
  ARGS(softmaxBackprop);
  int ok = 1;
  long rows = INT(softmaxBackprop, rows);
  long cols = INT(softmaxBackprop, cols);
  float *y = F32(softmaxBackprop, y, rows * cols);
  float *dy = F32(softmaxBackprop, dy, rows * cols);
  float *dx = F32(softmaxBackprop, dx, rows * cols);
  ck_softmax_backprop(y, dy, dx, rows, cols);
  return undefined(env);
}

static napi_value number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

static napi_value js_xent_sparse(napi_env env, napi_callback_info info) {
  ARGS(softmaxCrossEntropySparse);
  int ok = 1;
  long rows = INT(softmaxCrossEntropySparse, rows);
  long cols = INT(softmaxCrossEntropySparse, cols);
  float *logits = F32(softmaxCrossEntropySparse, logits, rows * cols);
  int32_t *labels = I32(softmaxCrossEntropySparse, labels, rows);
  float *probs = F32(softmaxCrossEntropySparse, probs, rows * cols);
  float *dl = F32(softmaxCrossEntropySparse, dlogits, rows * cols);
  for (long r = 0; r < rows; r++)
    if (labels[r] < 0 || labels[r] >= cols) {
      char msg[160];
      snprintf(msg, sizeof msg, "convkit native: labels[%ld] = %d is outside [0, %ld)", r, labels[r], cols);
      napi_throw_range_error(env, NULL, msg);
      return NULL;
    }
  return number(env, ck_softmax_xent_sparse(logits, labels, probs, dl, rows, cols, num_arg(env, ARG(softmaxCrossEntropySparse, gradScale))));
}

static napi_value js_xent_dense(napi_env env, napi_callback_info info) {
  ARGS(softmaxCrossEntropyDense);
  int ok = 1;
  long rows = INT(softmaxCrossEntropyDense, rows);
  long cols = INT(softmaxCrossEntropyDense, cols);
  float *logits = F32(softmaxCrossEntropyDense, logits, rows * cols);
  float *targets = F32(softmaxCrossEntropyDense, targets, rows * cols);
  float *probs = F32(softmaxCrossEntropyDense, probs, rows * cols);
  float *dl = F32(softmaxCrossEntropyDense, dlogits, rows * cols);
  return number(env, ck_softmax_xent_dense(logits, targets, probs, dl, rows, cols, num_arg(env, ARG(softmaxCrossEntropyDense, gradScale))));
}

static napi_value js_adam(napi_env env, napi_callback_info info) {
  ARGS(adamUpdate);
  int ok = 1;
  long n = INT(adamUpdate, n);
  float *p = F32(adamUpdate, param, n);
  float *g = F32(adamUpdate, grad, n);
  float *m = F32(adamUpdate, m, n);
  float *v = F32(adamUpdate, v, n);
  LOCKED(ck_adam(p, g, m, v, n, (float)num_arg(env, ARG(adamUpdate, alpha)), (float)num_arg(env, ARG(adamUpdate, beta1)),
                 (float)num_arg(env, ARG(adamUpdate, beta2)), (float)num_arg(env, ARG(adamUpdate, epsilon))));
  return undefined(env);
}

static napi_value js_sgd(napi_env env, napi_callback_info info) {
  ARGS(sgdUpdate);
  int ok = 1;
  long n = INT(sgdUpdate, n);
  float *p = F32(sgdUpdate, param, n);
  float *g = F32(sgdUpdate, grad, n);
  float *vel = F32_OPT(sgdUpdate, velocity, n);
  LOCKED(ck_sgd(p, g, vel, n, (float)num_arg(env, ARG(sgdUpdate, learningRate)), (float)num_arg(env, ARG(sgdUpdate, momentum)), bool_arg(env, ARG(sgdUpdate, nesterov))));
  return undefined(env);
}

static napi_value js_rmsprop(napi_env env, napi_callback_info info) {
  ARGS(rmspropUpdate);
  int ok = 1;
  long n = INT(rmspropUpdate, n);
  float *p = F32(rmspropUpdate, param, n);
  float *g = F32(rmspropUpdate, grad, n);
  float *s = F32(rmspropUpdate, meanSquare, n);
  LOCKED(ck_rmsprop(p, g, s, n, (float)num_arg(env, ARG(rmspropUpdate, learningRate)), (float)num_arg(env, ARG(rmspropUpdate, rho)), (float)num_arg(env, ARG(rmspropUpdate, epsilon))));
  return undefined(env);
}

static napi_value js_get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  return number(env, ck_pool_threads());
}

static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  ARGS(setThreads);
  int ok = 1;
  long n = int_arg(env, ARG(setThreads, n), &ok);
  if (!ok) return NULL;
  if (n < 1 || n > CK_MAX_THREADS) {
    napi_throw_range_error(env, NULL, "convkit native: thread count must be between 1 and 64");
    return NULL;
  }
  LOCKED(ck_pool_set_threads((int)n));
  return undefined(env);
}

static napi_value js_peak_gflops(napi_env env, napi_callback_info info) {
  ARGS(measurePeakGflops);
  double ms = num_arg(env, ARG(measurePeakGflops, milliseconds)), r = 0.0;
  if (!(ms > 0 && ms <= 60000)) {
    napi_throw_range_error(env, NULL, "convkit native: milliseconds must be in (0, 60000]");
    return NULL;
  }
  LOCKED(r = ck_peak_gflops(ms));
  return number(env, r);
}

static napi_value js_get_winograd(napi_env env, napi_callback_info info) {
  (void)info;
  return number(env, ck_winograd_tile());
}

static napi_value js_set_winograd(napi_env env, napi_callback_info info) {
  ARGS(setWinograd);
  int ok = 1, set = 0;
  long tile = int_arg(env, ARG(setWinograd, tile), &ok);
  if (!ok) return NULL;
  LOCKED(set = ck_winograd_set_tile((int)tile));
  if (!set) {
    char msg[160];
    snprintf(msg, sizeof msg, "convkit native: Winograd tile must be 0 (direct only), 2 or 5; received %ld", tile);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  return undefined(env);
}

static napi_value string(napi_env env, const char *s) {
  napi_value r;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &r);
  return r;
}

static napi_value js_get_isa(napi_env env, napi_callback_info info) {
  (void)info;
  return string(env, ck_isa()->name);
}

static napi_value js_set_isa(napi_env env, napi_callback_info info) {
  ARGS(setIsa);
  char name[32] = {0};
  size_t len;
  if (napi_get_value_string_utf8(env, ARG(setIsa, isa), name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "convkit native: ISA must be a string");
    return NULL;
  }
  int id = ck_isa_parse(name);
  char msg[160];
  if (id < 0 || !ck_isa_supported((ck_isa_id)id)) {
    snprintf(msg, sizeof msg, id < 0 ? "convkit native: unknown ISA path '%s' (expected avx512, avx2 or portable)"
                                     : "convkit native: this CPU cannot run the '%s' path", name);
    napi_throw_error(env, NULL, msg);
    return NULL;
  }
  snprintf(msg, sizeof msg, "set by setIsa('%s')", name);
  LOCKED(ck_isa_set((ck_isa_id)id); ck_isa_set_reason(msg));
  return undefined(env);
}

/* { isa, reason }: the path in use and why (chosen for this CPU at load, forced by CONVKIT_ISA, or set by setIsa). */
static napi_value js_isa_choice(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_object(env, &result);
  pthread_mutex_lock(&call_lock);
  napi_value isa = string(env, ck_isa()->name), reason = string(env, ck_isa_reason());
  pthread_mutex_unlock(&call_lock);
  napi_set_named_property(env, result, "isa", isa);
  napi_set_named_property(env, result, "reason", reason);
  return result;
}

static napi_value js_supported_isas(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value arr;
  napi_create_array(env, &arr);
  const char *names[] = {"avx512", "avx2", "portable"};
  const ck_isa_id ids[] = {CK_ISA_AVX512, CK_ISA_AVX2, CK_ISA_PORTABLE};
  uint32_t k = 0;
  for (int i = 0; i < 3; i++)
    if (ck_isa_supported(ids[i])) napi_set_element(env, arr, k++, string(env, names[i]));
  return arr;
}

/*
 * The bytes to skip from the start of an ArrayBuffer so that a view there is
 * 64-byte aligned (0 to 63): JS allocates 64 spare bytes and makes its
 * Float32Array at this offset. V8 never moves a backing store, so the
 * alignment holds for the buffer's life.
 */
static napi_value js_alignment_offset(napi_env env, napi_callback_info info) {
  ARGS(alignmentOffset);
  bool is_buffer = false;
  void *data = NULL;
  size_t length = 0;
  if (napi_is_arraybuffer(env, ARG(alignmentOffset, buffer), &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, ARG(alignmentOffset, buffer), &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "convkit native: alignmentOffset expects an ArrayBuffer");
    return NULL;
  }
  return number(env, (double)((64 - (uintptr_t)data % 64) % 64));
}

/* { binding: [parameter names in call order] } for every binding with parameters (bindings.h). */
static napi_value parameter_names(napi_env env) {
  napi_value all;
  napi_create_object(env, &all);
#define PARAMETER_NAME(binding, parameter) #parameter,
#define PARAMETER_LIST(name, fn, ...)                                                  \
  {                                                                                    \
    static const char *const names[] = {CK_FOR_EACH(PARAMETER_NAME, name, __VA_ARGS__)}; \
    napi_value list;                                                                   \
    napi_create_array_with_length(env, sizeof names / sizeof names[0], &list);         \
    for (uint32_t i = 0; i < sizeof names / sizeof names[0]; i++)                      \
      napi_set_element(env, list, i, string(env, names[i]));                           \
    napi_set_named_property(env, all, #name, list);                                    \
  }
  CK_BINDINGS(PARAMETER_LIST)
#undef PARAMETER_LIST
#undef PARAMETER_NAME
  return all;
}

static int initialised;
static char init_error[200];

static napi_value init(napi_env env, napi_value exports) {
  pthread_mutex_lock(&call_lock);
  if (!initialised) {
    initialised = 1;
    if (ck_isa_init(init_error, sizeof init_error) == 0) {
      const char *t = getenv("CONVKIT_THREADS");
      int n = t && *t ? atoi(t) : ck_cpu_count();
      ck_pool_set_threads(n < 1 ? 1 : n);
      ck_winograd_init_from_env();
    }
  }
  pthread_mutex_unlock(&call_lock);
  if (init_error[0]) {
    napi_throw_error(env, NULL, init_error);
    return NULL;
  }
#define PROPERTY(name, fn, ...) {#name, NULL, fn, NULL, NULL, NULL, napi_default, NULL},
  napi_property_descriptor props[] = {CK_BINDINGS(PROPERTY) CK_BINDINGS_WITHOUT_PARAMETERS(PROPERTY)};
#undef PROPERTY
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "parameters", parameter_names(env));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
