/*
 * Bias + activation, activation backprop, bias gradient, softmax and the fused
 * softmax cross-entropy. Big element-wise passes (conv outputs are millions of
 * floats) use the vectorised loops and all threads; the softmax family works
 * on [batch, classes] and runs in double on one thread, like the reference.
 */
#include "ops/simd-loops-table.h"

#include <math.h>
#include <string.h>

/* Grow-only scratch of this file alone (runtime/scratch.c), per pool thread. */
static ck_scratch_slot partial_sums_scratch; /* per chunk: column sums, added in chunk order */

#define PARALLEL_MIN 32768 /* elements per task below which threading costs more than it saves */

typedef struct {
  float *y, *dx, *out;
  const float *bias, *cy, *dy;
  long rows, cols, n, chunk, nchunks;
  int act;
  float *partials;
} ew_job;

static float act_scalar(int act, float v) {
  const double z = v;
  switch (act) {
  case CK_ACT_SIGMOID: return (float)(1.0 / (1.0 + exp(-z)));
  case CK_ACT_TANH: return (float)tanh(z);
  case CK_ACT_RELU: return v > 0.0f ? v : 0.0f;
  case CK_ACT_LEAKY_RELU: return v < 0.0f ? (float)(z * CK_LEAKY_RELU_SLOPE) : v;
  case CK_ACT_ELU: return v < 0.0f ? (float)(CK_ELU_ALPHA * expm1(z)) : v;
  case CK_ACT_GELU: return (float)(0.5 * z * (1.0 + erf(z * M_SQRT1_2)));
  case CK_ACT_SWISH: return (float)(z / (1.0 + exp(-z)));
  default: return v;
  }
}

/* act'(z) for the activations differentiated from their pre-activation z. */
static double act_derivative_from_input(int act, double z) {
  switch (act) {
  case CK_ACT_LEAKY_RELU: return z < 0.0 ? CK_LEAKY_RELU_SLOPE : 1.0;
  case CK_ACT_ELU: return z < 0.0 ? CK_ELU_ALPHA * exp(z) : 1.0;
  case CK_ACT_GELU: return 0.5 * (1.0 + erf(z * M_SQRT1_2)) + z * exp(-0.5 * z * z) * (0.5 * M_2_SQRTPI * M_SQRT1_2);
  case CK_ACT_SWISH: {
    const double s = 1.0 / (1.0 + exp(-z));
    return s * (1.0 + z * (1.0 - s));
  }
  default: return 1.0;
  }
}

void ck_bias_act_rows(float *y, const float *bias, long rows, long cols, int act) {
  if (act == CK_ACT_LINEAR || act == CK_ACT_RELU) {
    ck_loops()->bias_relu(y, bias, rows, cols, act == CK_ACT_RELU);
    return;
  }
  for (long r = 0; r < rows; r++, y += cols)
    for (long c = 0; c < cols; c++) y[c] = act_scalar(act, y[c] + (bias ? bias[c] : 0.0f));
}

static void bias_act_range(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const ew_job *j = ctx;
  ck_bias_act_rows(j->y + lo * j->cols, j->bias, hi - lo, j->cols, j->act);
}

void ck_bias_activation(float *y, const float *bias, long rows, long cols, int act) {
  ew_job j = {.y = y, .bias = bias, .rows = rows, .cols = cols, .act = act};
  ck_pool_for(rows, ck_pool_tasks((double)rows * cols, PARALLEL_MIN), 1, bias_act_range, &j);
}

/* dx[lo, hi) = dy * act'(y) on one range; y is the pre-activation z for LEAKY_RELU..SWISH. */
static void act_backprop_range(int act, const float *y, const float *dy, float *dx, long lo, long hi) {
  switch (act) {
  case CK_ACT_LEAKY_RELU:
  case CK_ACT_ELU:
  case CK_ACT_GELU:
  case CK_ACT_SWISH:
    for (long i = lo; i < hi; i++) dx[i] = (float)(dy[i] * act_derivative_from_input(act, y[i]));
    break;
  case CK_ACT_RELU: ck_loops()->relu_backprop(y + lo, dy + lo, dx + lo, hi - lo); break;
  case CK_ACT_SIGMOID:
    for (long i = lo; i < hi; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
    break;
  case CK_ACT_TANH:
    for (long i = lo; i < hi; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
    break;
  default:
    if (dx != dy) memmove(dx + lo, dy + lo, (size_t)(hi - lo) * sizeof(float));
  }
}

static void act_backprop_part(void *ctx, long lo, long hi, int thread) {
  (void)thread;
  const ew_job *j = ctx;
  act_backprop_range(j->act, j->cy, j->dy, j->dx, lo, hi);
}

void ck_activation_backprop(int act, const float *y, const float *dy, float *dx, long n) {
  ew_job j = {.cy = y, .dy = dy, .dx = dx, .n = n, .act = act};
  ck_pool_for(n, ck_pool_tasks((double)n, PARALLEL_MIN), 16, act_backprop_part, &j);
}

/* Column sums of one row chunk; with act >= 0 the chunk's dx = dy * act'(y) is
   written first and summed while still in cache (fused activation backprop). */
static void bias_grad_task(void *ctx, int task, int thread) {
  (void)thread;
  const ew_job *j = ctx;
  long lo = task * j->chunk, hi = lo + j->chunk < j->rows ? lo + j->chunk : j->rows;
  const float *src = j->dy;
  if (j->act >= 0) {
    act_backprop_range(j->act, j->cy, j->dy, j->dx, lo * j->cols, hi * j->cols);
    src = j->dx;
  }
  ck_loops()->col_sums(src + lo * j->cols, j->partials + task * j->cols, hi - lo, j->cols);
}

static void bias_grad_run(ew_job j, float *db) {
  const long rows = j.rows, cols = j.cols;
  j.nchunks = (rows + 1023) / 1024;
  if (j.nchunks > 32) j.nchunks = 32;
  if (j.nchunks < 1) j.nchunks = 1;
  j.chunk = (rows + j.nchunks - 1) / j.nchunks;
  if (j.chunk < 1) j.chunk = 1;
  j.nchunks = rows > 0 ? (rows + j.chunk - 1) / j.chunk : 0;
  j.partials = ck_scratch(0, &partial_sums_scratch, (size_t)(j.nchunks > 0 ? j.nchunks : 1) * cols);
  if (!j.partials) return;
  ck_pool_run(rows * cols < PARALLEL_MIN ? (j.nchunks > 0 ? 1 : 0) : (int)j.nchunks,
              bias_grad_task, &j);
  if (rows * cols < PARALLEL_MIN && j.nchunks > 1)
    for (int t = 1; t < j.nchunks; t++) bias_grad_task(&j, t, 0);
  for (long c = 0; c < cols; c++) {
    double s = 0.0;
    for (long t = 0; t < j.nchunks; t++) s += j.partials[t * cols + c];
    db[c] = (float)s;
  }
}

void ck_bias_grad(const float *dy, float *db, long rows, long cols) {
  /* Fixed row chunks (independent of the thread count) summed in chunk order in
     double: deterministic for any thread count and close to the exact sum. */
  bias_grad_run((ew_job){.dy = dy, .rows = rows, .cols = cols, .act = -1}, db);
}

void ck_activation_bias_grad(int act, const float *y, const float *dy, float *dx, float *db, long rows, long cols) {
  /* Same chunks and order as ck_bias_grad, so db matches the unfused pair bit for bit. */
  bias_grad_run((ew_job){.cy = y, .dy = dy, .dx = dx, .rows = rows, .cols = cols, .act = act}, db);
}

void ck_softmax(const float *x, float *y, long rows, long cols) {
  for (long r = 0; r < rows; r++, x += cols, y += cols) {
    double max = -INFINITY, sum = 0.0;
    for (long c = 0; c < cols; c++) max = x[c] > max ? x[c] : max;
    for (long c = 0; c < cols; c++) {
      double e = exp((double)x[c] - max);
      y[c] = (float)e;
      sum += e;
    }
    for (long c = 0; c < cols; c++) y[c] = (float)(y[c] / sum);
  }
}

void ck_softmax_backprop(const float *y, const float *dy, float *dx, long rows, long cols) {
  for (long r = 0; r < rows; r++, y += cols, dy += cols, dx += cols) {
    double dot = 0.0;
    for (long c = 0; c < cols; c++) dot += (double)dy[c] * y[c];
    for (long c = 0; c < cols; c++) dx[c] = (float)(y[c] * ((double)dy[c] - dot));
  }
}

static double log_sum_exp(const float *x, long cols) {
  double max = -INFINITY, sum = 0.0;
  for (long c = 0; c < cols; c++) max = x[c] > max ? x[c] : max;
  for (long c = 0; c < cols; c++) sum += exp((double)x[c] - max);
  return max + log(sum);
}

double ck_softmax_xent_sparse(const float *logits, const int32_t *labels, float *probs, float *dlogits,
                              long rows, long cols, double scale) {
  double loss = 0.0;
  for (long r = 0; r < rows; r++, logits += cols, probs += cols, dlogits += cols) {
    double lse = log_sum_exp(logits, cols);
    long label = labels[r];
    loss += lse - logits[label];
    for (long c = 0; c < cols; c++) {
      double p = exp((double)logits[c] - lse);
      probs[c] = (float)p;
      dlogits[c] = (float)((p - (c == label ? 1.0 : 0.0)) * scale);
    }
  }
  return loss;
}

double ck_softmax_xent_dense(const float *logits, const float *targets, float *probs, float *dlogits,
                             long rows, long cols, double scale) {
  double loss = 0.0;
  for (long r = 0; r < rows; r++, logits += cols, targets += cols, probs += cols, dlogits += cols) {
    double lse = log_sum_exp(logits, cols), tsum = 0.0;
    for (long c = 0; c < cols; c++) {
      tsum += targets[c];
      loss += targets[c] * (lse - logits[c]);
    }
    for (long c = 0; c < cols; c++) {
      double p = exp((double)logits[c] - lse);
      probs[c] = (float)p;
      dlogits[c] = (float)((p * tsum - targets[c]) * scale);
    }
  }
  return loss;
}
