/*
 * The innermost loops of the memory-bound kernels, written once in plain C and
 * compiled three times by simd-loops.c: baseline, AVX2 and AVX-512 (function
 * target attributes, so the build never needs -march). The compiler vectorises
 * each copy for its ISA; CK_SUFFIX names the copy and CK_TARGET gives its ISA.
 */
#define CK_CAT2(a, b) a##_##b
#define CK_CAT(a, b) CK_CAT2(a, b)
#define CK_FN(name) CK_CAT(name, CK_SUFFIX)

/* y[r, c] = act(y + bias[c]) for linear or relu over rows [0, rows). */
CK_TARGET static void CK_FN(bias_relu)(float *restrict y, const float *restrict bias, long rows,
                                       long cols, int relu) {
  for (long r = 0; r < rows; r++, y += cols) {
    if (bias) {
      if (relu)
        for (long c = 0; c < cols; c++) { float v = y[c] + bias[c]; y[c] = v > 0.0f ? v : 0.0f; }
      else
        for (long c = 0; c < cols; c++) y[c] += bias[c];
    } else if (relu) {
      for (long c = 0; c < cols; c++) y[c] = y[c] > 0.0f ? y[c] : 0.0f;
    }
  }
}

/* dx = y > 0 ? dy : 0 (dx may alias dy, so no restrict on those two). */
CK_TARGET static void CK_FN(relu_backprop)(const float *restrict y, const float *dy, float *dx, long n) {
  for (long i = 0; i < n; i++) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

/* out[c] = column sums of dy[rows, cols] in float, row order. */
CK_TARGET static void CK_FN(col_sums)(const float *restrict dy, float *restrict out, long rows, long cols) {
  for (long c = 0; c < cols; c++) out[c] = 0.0f;
  for (long r = 0; r < rows; r++, dy += cols)
    for (long c = 0; c < cols; c++) out[c] += dy[c];
}

/* One window element of max pooling over C channels: strict '>' keeps the first max. */
CK_TARGET static void CK_FN(pool_max_step)(const float *restrict x, float *restrict best,
                                           int32_t *restrict arg, int32_t index, long C) {
  if (arg) {
    for (long c = 0; c < C; c++) {
      int win = x[c] > best[c];
      best[c] = win ? x[c] : best[c];
      arg[c] = win ? index + (int32_t)c : arg[c];
    }
  } else {
    for (long c = 0; c < C; c++) best[c] = x[c] > best[c] ? x[c] : best[c];
  }
}

/*
 * A whole 2x2 window over C channels in one pass (the lab CNN's pooling):
 * x points at the top-left pixel, `row` floats to the pixel below. Same
 * result as pool_max_step over the four elements in row-major order: the
 * first element always starts, a later one wins only if strictly greater.
 * arg gets index + (0, C, index_row or index_row + C) + channel: index_row is
 * `row` when x is the pooled tensor itself, and the tensor's row when x is a
 * buffer holding part of it (winograd-f5.c's conv outputs).
 */
CK_TARGET static void CK_FN(pool_max_2x2)(const float *restrict x, long row, long index_row, float *restrict best,
                                          int32_t *restrict arg, int32_t index, long C) {
  const float *a = x, *b = x + C, *c = x + row, *d = x + row + C;
  if (arg) {
    for (long i = 0; i < C; i++) {
      float m = a[i];
      int32_t k = index + (int32_t)i;
      if (b[i] > m) { m = b[i]; k = index + (int32_t)(C + i); }
      if (c[i] > m) { m = c[i]; k = index + (int32_t)(index_row + i); }
      if (d[i] > m) { m = d[i]; k = index + (int32_t)(index_row + C + i); }
      best[i] = m;
      arg[i] = k;
    }
  } else {
    for (long i = 0; i < C; i++) {
      float m = a[i];
      m = b[i] > m ? b[i] : m;
      m = c[i] > m ? c[i] : m;
      best[i] = d[i] > m ? d[i] : m;
    }
  }
}

/*
 * Backward of one 2x2 window when windows do not overlap: writes (not adds)
 * all four C-vectors of dx, dy where the argmax points and 0 elsewhere.
 * Returns 0 if some argmax lies outside this window (the caller then falls
 * back to the general scatter, which is what the contract defines).
 */
CK_TARGET static int CK_FN(pool_unpool_2x2)(const float *restrict dy, const int32_t *restrict arg, float *restrict dx,
                                            long row, int32_t index, long C) {
  float *a = dx, *b = dx + C, *c = dx + row, *d = dx + row + C;
  const uint32_t kb = (uint32_t)C, kc = (uint32_t)row, kd = (uint32_t)(row + C);
  int inside = 1;
  for (long i = 0; i < C; i++) {
    /* Unsigned: a corrupt argmax wraps instead of overflowing. */
    uint32_t k = (uint32_t)arg[i] - (uint32_t)index - (uint32_t)i;
    float g = dy[i] + 0.0f; /* as the scatter's 0 + dy: -0 becomes +0 */
    a[i] = k == 0 ? g : 0.0f;
    b[i] = k == kb ? g : 0.0f;
    c[i] = k == kc ? g : 0.0f;
    d[i] = k == kd ? g : 0.0f;
    inside &= (k == 0) | (k == kb) | (k == kc) | (k == kd);
  }
  return inside;
}

CK_TARGET static void CK_FN(adam)(float *restrict p, const float *restrict g, float *restrict m,
                                  float *restrict v, long n, float alpha, float b1, float b2, float eps) {
  const float one_b1 = 1.0f - b1, one_b2 = 1.0f - b2;
  for (long i = 0; i < n; i++) {
    float gi = g[i];
    float mi = m[i] + (gi - m[i]) * one_b1;
    float vi = v[i] + (gi * gi - v[i]) * one_b2;
    m[i] = mi;
    v[i] = vi;
    p[i] -= alpha * mi / (sqrtf(vi) + eps);
  }
}

CK_TARGET static void CK_FN(sgd)(float *restrict p, const float *restrict g, float *restrict vel, long n,
                                 float lr, float mom, int nesterov) {
  if (!vel) {
    for (long i = 0; i < n; i++) p[i] -= lr * g[i];
  } else if (nesterov) {
    for (long i = 0; i < n; i++) {
      float vi = mom * vel[i] - lr * g[i];
      vel[i] = vi;
      p[i] += mom * vi - lr * g[i];
    }
  } else {
    for (long i = 0; i < n; i++) {
      float vi = mom * vel[i] - lr * g[i];
      vel[i] = vi;
      p[i] += vi;
    }
  }
}

CK_TARGET static void CK_FN(rmsprop)(float *restrict p, const float *restrict g, float *restrict s, long n,
                                     float lr, float rho, float eps) {
  const float one_rho = 1.0f - rho;
  for (long i = 0; i < n; i++) {
    float si = rho * s[i] + one_rho * g[i] * g[i];
    s[i] = si;
    p[i] -= lr * g[i] / sqrtf(si + eps);
  }
}

/*
 * BatchNormalization's passes (batch-norm.c) over rows of x[rows, cols]. The
 * sums run over short row blocks in float and the caller adds each block into
 * double, so they vectorise and stay close to the exact sums.
 */
/* s[c] += x - shift[c], q[c] += (x - shift[c])^2. */
CK_TARGET static void CK_FN(bn_moment_sums)(const float *restrict x, const float *restrict shift, long rows, long cols,
                                            float *restrict s, float *restrict q) {
  for (long r = 0; r < rows; r++, x += cols)
    for (long c = 0; c < cols; c++) {
      const float v = x[c] - shift[c];
      s[c] += v;
      q[c] += v * v;
    }
}

/* sg[c] += g, sgx[c] += g * (x - mean[c]), with g = relu ? (relu > 0 ? dy : 0) : dy. */
CK_TARGET static void CK_FN(bn_grad_sums)(const float *restrict x, const float *restrict dy, const float *restrict relu,
                                          const float *restrict mean, long rows, long cols, float *restrict sg,
                                          float *restrict sgx) {
  for (long r = 0; r < rows; r++, x += cols, dy += cols) {
    if (relu) {
      for (long c = 0; c < cols; c++) {
        const float d = dy[c], g = relu[c] > 0.0f ? d : 0.0f;
        sg[c] += g;
        sgx[c] += g * (x[c] - mean[c]);
      }
      relu += cols;
    } else {
      for (long c = 0; c < cols; c++) {
        sg[c] += dy[c];
        sgx[c] += dy[c] * (x[c] - mean[c]);
      }
    }
  }
}

/* y = x * scale[c] + shift[c], then relu when asked (y may alias x, so no restrict on those two). */
CK_TARGET static void CK_FN(channel_affine)(const float *x, float *y, const float *restrict scale,
                                            const float *restrict shift, long rows, long cols, int relu) {
  for (long r = 0; r < rows; r++, x += cols, y += cols) {
    if (relu)
      for (long c = 0; c < cols; c++) { const float v = x[c] * scale[c] + shift[c]; y[c] = v > 0.0f ? v : 0.0f; }
    else
      for (long c = 0; c < cols; c++) y[c] = x[c] * scale[c] + shift[c];
  }
}

/* dx = k[c] * g + k[cols + c] * (x - k[3 cols + c]) + k[2 cols + c], g as in bn_grad_sums (dx may alias dy). */
CK_TARGET static void CK_FN(bn_dx)(const float *restrict x, const float *dy, const float *restrict relu, float *dx,
                                   const float *restrict k, long rows, long cols) {
  const float *restrict a = k, *restrict b = k + cols, *restrict d = k + 2 * cols, *restrict mean = k + 3 * cols;
  for (long r = 0; r < rows; r++, x += cols, dy += cols, dx += cols) {
    if (relu) {
      for (long c = 0; c < cols; c++) {
        const float v = dy[c], g = relu[c] > 0.0f ? v : 0.0f;
        dx[c] = a[c] * g + b[c] * (x[c] - mean[c]) + d[c];
      }
      relu += cols;
    } else {
      for (long c = 0; c < cols; c++) dx[c] = a[c] * dy[c] + b[c] * (x[c] - mean[c]) + d[c];
    }
  }
}

const ck_simd_loops CK_FN(ck_simd_loops) = {
  CK_FN(bias_relu), CK_FN(relu_backprop), CK_FN(col_sums), CK_FN(pool_max_step), CK_FN(pool_max_2x2), CK_FN(pool_unpool_2x2),
  CK_FN(adam), CK_FN(sgd), CK_FN(rmsprop),
  CK_FN(bn_moment_sums), CK_FN(bn_grad_sums), CK_FN(channel_affine), CK_FN(bn_dx),
};

#undef CK_CAT2
#undef CK_CAT
#undef CK_FN
