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
#include "napi/geometry-check.h"
#include "winograd/winograd.h"

static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;

#define MAX_ARGS 12
#define ARGS(count)                                                                  \
  size_t argc = MAX_ARGS;                                                            \
  napi_value argv[MAX_ARGS];                                                         \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;  \
  if (argc < (count)) {                                                              \
    napi_throw_type_error(env, NULL, "convkit native: expected " #count " arguments"); \
    return NULL;                                                                     \
  }

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

#define F32(i, name, need) typed(env, argv[i], napi_float32_array, name, need, 0, &ok, NULL); if (!ok) return NULL
#define F32_OPT(i, name, need) typed(env, argv[i], napi_float32_array, name, need, 1, &ok, NULL); if (!ok) return NULL
#define I32(i, name, need) typed(env, argv[i], napi_int32_array, name, need, 0, &ok, NULL); if (!ok) return NULL
#define INT(i) int_arg(env, argv[i], &ok); if (!ok) return NULL
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
  ARGS(9);
  int ok = 1;
  long m = INT(3);
  long n = INT(4);
  long k = INT(5);
  float *a = F32(0, "a", m * k);
  float *b = F32(1, "b", k * n);
  float *c = F32(2, "c", m * n);
  int ta = bool_arg(env, argv[6]), tb = bool_arg(env, argv[7]), acc = bool_arg(env, argv[8]);
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
  ARGS(6);
  ck_conv_info g;
  ck_conv_sizes s;
  int ok = 1;
  if (!conv_geometry(env, argv[3], "conv2d", &g, &s)) return NULL;
  float *x = F32(0, "x", s.x);
  float *w = F32(1, "w", s.w);
  float *y = F32(2, "y", s.y);
  float *bias = F32_OPT(4, "bias", g.outC);
  long act = -1;
  if (!is_nullish(env, argv[5])) {
    act = INT(5);
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
  ARGS(4);
  ck_conv_info g;
  ck_conv_sizes s;
  int ok = 1;
  if (!conv_geometry(env, argv[3], "conv2dBackpropInput", &g, &s)) return NULL;
  float *dy = F32(0, "dy", s.y);
  float *w = F32(1, "w", s.w);
  float *dx = F32(2, "dx", s.x);
  LOCKED(ck_conv2d_backprop_input(dy, w, dx, &g));
  return undefined(env);
}

/* x, dy, dw, conv geometry. */
static napi_value js_conv2d_bf(napi_env env, napi_callback_info info) {
  ARGS(4);
  ck_conv_info g;
  ck_conv_sizes s;
  int ok = 1;
  if (!conv_geometry(env, argv[3], "conv2dBackpropFilter", &g, &s)) return NULL;
  float *x = F32(0, "x", s.x);
  float *dy = F32(1, "dy", s.y);
  float *dw = F32(2, "dw", s.w);
  LOCKED(ck_conv2d_backprop_filter(x, dy, dw, &g));
  return undefined(env);
}

/* x, y, argmax|null, pool geometry. */
static napi_value js_max_pool(napi_env env, napi_callback_info info) {
  ARGS(4);
  ck_pool_info g;
  ck_pool_sizes s;
  int ok = 1;
  if (!pool_geometry(env, argv[3], "maxPool", &g, &s)) return NULL;
  float *x = F32(0, "x", s.x);
  float *y = F32(1, "y", s.y);
  int32_t *arg = typed(env, argv[2], napi_int32_array, "argmax", s.y, 1, &ok, NULL);
  if (!ok) return NULL;
  LOCKED(ck_max_pool(x, y, arg, &g));
  return undefined(env);
}

/* x, w, y, bias|null, argmax|null, conv geometry, pool geometry; returns whether it ran. */
static napi_value js_conv_relu_pool(napi_env env, napi_callback_info info) {
  ARGS(7);
  ck_conv_info g;
  ck_pool_info pg;
  ck_conv_sizes cs;
  ck_pool_sizes ps;
  int ok = 1, done;
  if (!conv_pool_geometry(env, argv[5], argv[6], "conv2dReluMaxPool", &g, &cs, &pg, &ps)) return NULL;
  float *x = F32(0, "x", cs.x);
  float *w = F32(1, "w", cs.w);
  float *y = F32(2, "y", ps.y);
  float *bias = F32_OPT(3, "bias", g.outC);
  int32_t *arg = typed(env, argv[4], napi_int32_array, "argmax", ps.y, 1, &ok, NULL);
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
  ARGS(10);
  ck_conv_info g;
  ck_pool_info pg;
  ck_conv_sizes cs;
  ck_pool_sizes ps;
  int ok = 1;
  if (!conv_pool_geometry(env, argv[8], argv[9], "maxPoolConv2dBackprop", &g, &cs, &pg, &ps)) return NULL;
  float *gp = F32(0, "g", ps.y);
  int32_t *arg = I32(1, "argmax", ps.y);
  float *x = F32(2, "x", cs.x);
  float *w = F32_OPT(3, "w", cs.w);
  float *dw = F32(4, "dw", cs.w);
  float *dx = F32_OPT(5, "dx", cs.x);
  float *pooled = F32_OPT(6, "pooled", ps.y);
  float *db = F32_OPT(7, "db", g.outC);
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

/* dy, argmax, dx, pool geometry. */
static napi_value js_max_pool_bp(napi_env env, napi_callback_info info) {
  ARGS(4);
  ck_pool_info g;
  ck_pool_sizes s;
  int ok = 1;
  if (!pool_geometry(env, argv[3], "maxPoolBackprop", &g, &s)) return NULL;
  float *dy = F32(0, "dy", s.y);
  int32_t *arg = I32(1, "argmax", s.y);
  float *dx = F32(2, "dx", s.x);
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

static napi_value js_gather_rows(napi_env env, napi_callback_info info) {
  ARGS(4);
  int ok = 1;
  long len = INT(1);
  long src_length = 0, count = 0;
  /* The row counts come from the arrays themselves: the source's whole rows, and every index. */
  float *src = typed(env, argv[0], napi_float32_array, "source", 0, 0, &ok, &src_length);
  if (!ok) return NULL;
  int32_t *rows = typed(env, argv[2], napi_int32_array, "rows", 0, 0, &ok, &count);
  if (!ok) return NULL;
  const long src_rows = len > 0 ? src_length / len : 0;
  float *dst = F32(3, "target", count * len);
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
  ARGS(5);
  int ok = 1;
  long rows = INT(2);
  long cols = INT(3);
  long act = INT(4);
  float *y = F32(0, "y", rows * cols);
  float *bias = F32_OPT(1, "bias", cols);
  LOCKED(ck_bias_activation(y, bias, rows, cols, (int)act));
  return undefined(env);
}

static napi_value js_activation_backprop(napi_env env, napi_callback_info info) {
  ARGS(5);
  int ok = 1;
  long act = INT(0);
  long n = INT(4);
  float *y = F32(1, "y", n);
  float *dy = F32(2, "dy", n);
  float *dx = F32(3, "dx", n);
  LOCKED(ck_activation_backprop((int)act, y, dy, dx, n));
  return undefined(env);
}

static napi_value js_bias_grad(napi_env env, napi_callback_info info) {
  ARGS(4);
  int ok = 1;
  long rows = INT(2);
  long cols = INT(3);
  float *dy = F32(0, "dy", rows * cols);
  float *db = F32(1, "db", cols);
  LOCKED(ck_bias_grad(dy, db, rows, cols));
  return undefined(env);
}

static napi_value js_activation_bias_grad(napi_env env, napi_callback_info info) {
  ARGS(7);
  int ok = 1;
  long act = INT(0);
  long rows = INT(5);
  long cols = INT(6);
  if (act > CK_ACT_TANH) {
    napi_throw_range_error(env, NULL, "convkit native: activation code must be 0..3");
    return NULL;
  }
  float *y = F32(1, "y", rows * cols);
  float *dy = F32(2, "dy", rows * cols);
  float *dx = F32(3, "dx", rows * cols);
  float *db = F32(4, "db", cols);
  LOCKED(ck_activation_bias_grad((int)act, y, dy, dx, db, rows, cols));
  return undefined(env);
}

static napi_value js_softmax(napi_env env, napi_callback_info info) {
  ARGS(4);
  int ok = 1;
  long rows = INT(2);
  long cols = INT(3);
  float *x = F32(0, "x", rows * cols);
  float *y = F32(1, "y", rows * cols);
  ck_softmax(x, y, rows, cols);
  return undefined(env);
}

static napi_value js_softmax_bp(napi_env env, napi_callback_info info) {
  ARGS(5);
  int ok = 1;
  long rows = INT(3);
  long cols = INT(4);
  float *y = F32(0, "y", rows * cols);
  float *dy = F32(1, "dy", rows * cols);
  float *dx = F32(2, "dx", rows * cols);
  ck_softmax_backprop(y, dy, dx, rows, cols);
  return undefined(env);
}

static napi_value number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

static napi_value js_xent_sparse(napi_env env, napi_callback_info info) {
  ARGS(7);
  int ok = 1;
  long rows = INT(4);
  long cols = INT(5);
  float *logits = F32(0, "logits", rows * cols);
  int32_t *labels = I32(1, "labels", rows);
  float *probs = F32(2, "probs", rows * cols);
  float *dl = F32(3, "dlogits", rows * cols);
  for (long r = 0; r < rows; r++)
    if (labels[r] < 0 || labels[r] >= cols) {
      char msg[160];
      snprintf(msg, sizeof msg, "convkit native: labels[%ld] = %d is outside [0, %ld)", r, labels[r], cols);
      napi_throw_range_error(env, NULL, msg);
      return NULL;
    }
  return number(env, ck_softmax_xent_sparse(logits, labels, probs, dl, rows, cols, num_arg(env, argv[6])));
}

static napi_value js_xent_dense(napi_env env, napi_callback_info info) {
  ARGS(7);
  int ok = 1;
  long rows = INT(4);
  long cols = INT(5);
  float *logits = F32(0, "logits", rows * cols);
  float *targets = F32(1, "targets", rows * cols);
  float *probs = F32(2, "probs", rows * cols);
  float *dl = F32(3, "dlogits", rows * cols);
  return number(env, ck_softmax_xent_dense(logits, targets, probs, dl, rows, cols, num_arg(env, argv[6])));
}

static napi_value js_adam(napi_env env, napi_callback_info info) {
  ARGS(9);
  int ok = 1;
  long n = INT(4);
  float *p = F32(0, "param", n);
  float *g = F32(1, "grad", n);
  float *m = F32(2, "m", n);
  float *v = F32(3, "v", n);
  LOCKED(ck_adam(p, g, m, v, n, (float)num_arg(env, argv[5]), (float)num_arg(env, argv[6]),
                 (float)num_arg(env, argv[7]), (float)num_arg(env, argv[8])));
  return undefined(env);
}

static napi_value js_sgd(napi_env env, napi_callback_info info) {
  ARGS(7);
  int ok = 1;
  long n = INT(3);
  float *p = F32(0, "param", n);
  float *g = F32(1, "grad", n);
  float *vel = F32_OPT(2, "velocity", n);
  LOCKED(ck_sgd(p, g, vel, n, (float)num_arg(env, argv[4]), (float)num_arg(env, argv[5]), bool_arg(env, argv[6])));
  return undefined(env);
}

static napi_value js_rmsprop(napi_env env, napi_callback_info info) {
  ARGS(7);
  int ok = 1;
  long n = INT(3);
  float *p = F32(0, "param", n);
  float *g = F32(1, "grad", n);
  float *s = F32(2, "meanSquare", n);
  LOCKED(ck_rmsprop(p, g, s, n, (float)num_arg(env, argv[4]), (float)num_arg(env, argv[5]), (float)num_arg(env, argv[6])));
  return undefined(env);
}

static napi_value js_get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  return number(env, ck_pool_threads());
}

static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  ARGS(1);
  int ok = 1;
  long n = int_arg(env, argv[0], &ok);
  if (!ok) return NULL;
  if (n < 1 || n > CK_MAX_THREADS) {
    napi_throw_range_error(env, NULL, "convkit native: thread count must be between 1 and 64");
    return NULL;
  }
  LOCKED(ck_pool_set_threads((int)n));
  return undefined(env);
}

static napi_value js_peak_gflops(napi_env env, napi_callback_info info) {
  ARGS(1);
  double ms = num_arg(env, argv[0]), r = 0.0;
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
  ARGS(1);
  int ok = 1, set = 0;
  long tile = int_arg(env, argv[0], &ok);
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
  ARGS(1);
  char name[32] = {0};
  size_t len;
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) {
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
  ARGS(1);
  bool is_buffer = false;
  void *data = NULL;
  size_t length = 0;
  if (napi_is_arraybuffer(env, argv[0], &is_buffer) != napi_ok || !is_buffer ||
      napi_get_arraybuffer_info(env, argv[0], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "convkit native: alignmentOffset expects an ArrayBuffer");
    return NULL;
  }
  return number(env, (double)((64 - (uintptr_t)data % 64) % 64));
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
  napi_property_descriptor props[] = {
#define FN(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_default, NULL}
    FN("matmul", js_matmul), FN("conv2d", js_conv2d), FN("conv2dBackpropInput", js_conv2d_bi),
    FN("conv2dBackpropFilter", js_conv2d_bf), FN("maxPool", js_max_pool), FN("maxPoolBackprop", js_max_pool_bp),
    FN("convReluMaxPool", js_conv_relu_pool), FN("poolConvBackprop", js_pool_conv_backprop),
    FN("biasActivation", js_bias_activation), FN("activationBackprop", js_activation_backprop),
    FN("biasGrad", js_bias_grad), FN("activationBackpropBiasGrad", js_activation_bias_grad), FN("softmax", js_softmax), FN("softmaxBackprop", js_softmax_bp),
    FN("softmaxCrossEntropySparse", js_xent_sparse), FN("softmaxCrossEntropyDense", js_xent_dense),
    FN("adamUpdate", js_adam), FN("sgdUpdate", js_sgd), FN("rmspropUpdate", js_rmsprop),
    FN("getThreads", js_get_threads), FN("setThreads", js_set_threads), FN("getIsa", js_get_isa),
    FN("setIsa", js_set_isa), FN("supportedIsas", js_supported_isas), FN("measurePeakGflops", js_peak_gflops),
    FN("alignmentOffset", js_alignment_offset), FN("gatherRows", js_gather_rows),
    FN("isaChoice", js_isa_choice), FN("getWinograd", js_get_winograd), FN("setWinograd", js_set_winograd),
#undef FN
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
