/*
 * A condition that decides whether a kernel takes a geometry is written once,
 * as a function that returns NULL when it does and a reason when it does not.
 * The kernels ask it without a buffer (only whether: nothing is formatted, so
 * the hot path pays one comparison per condition); the algorithm table asks
 * it with one to tell the model's plan why (fused/conv-pool-algorithms.c).
 */
#ifndef CONVKIT_WHY_NOT_H
#define CONVKIT_WHY_NOT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* The reason, written into why (len bytes) when why is not NULL; never NULL itself. */
__attribute__((format(printf, 3, 4))) static inline const char *ck_why_not(char *why, size_t len, const char *fmt, ...) {
  if (!why || len == 0) return "";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, len, fmt, ap);
  va_end(ap);
  return why;
}
#endif
