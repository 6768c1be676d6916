/*
 * Per-thread, per-purpose scratch buffers that only grow. Kernels run every
 * batch with the same shapes, so after the first step nothing is allocated.
 * Each slot belongs to the one file that declares it, and each of its
 * buffers to one thread id, so neither two kernels nor two tasks share one.
 */
#include "convkit.h"

#include <stdatomic.h>
#include <stdlib.h>

static atomic_int failed;

int ck_take_alloc_failure(void) { return atomic_exchange(&failed, 0); }

float *ck_scratch(int thread, ck_scratch_slot *slot, size_t nfloats) {
  if (nfloats == 0) nfloats = 1;
  if (slot->size[thread] >= nfloats) return slot->buffer[thread];
  /* Grow by 1.5x so slowly growing requests do not reallocate every call. */
  size_t want = nfloats + nfloats / 2;
  void *p = NULL;
  if (want < nfloats || want > (size_t)-1 / sizeof(float) || posix_memalign(&p, 64, want * sizeof(float)) != 0) {
    atomic_store(&failed, 1);
    return NULL;
  }
  free(slot->buffer[thread]);
  slot->buffer[thread] = p;
  slot->size[thread] = want;
  return p;
}
