/*
 * Per-thread, per-purpose scratch buffers that only grow. Kernels run every
 * batch with the same shapes, so after the first step nothing is allocated.
 * Each slot is owned by one thread id, so tasks never share a buffer.
 */
#include "convkit.h"

#include <stdatomic.h>
#include <stdlib.h>

static float *buffers[CK_MAX_THREADS][CK_SLOT_COUNT];
static size_t sizes[CK_MAX_THREADS][CK_SLOT_COUNT];
static atomic_int failed;

int ck_take_alloc_failure(void) { return atomic_exchange(&failed, 0); }

float *ck_scratch(int thread, int slot, size_t nfloats) {
  if (nfloats == 0) nfloats = 1;
  if (sizes[thread][slot] >= nfloats) return buffers[thread][slot];
  /* Grow by 1.5x so slowly growing requests do not reallocate every call. */
  size_t want = nfloats + nfloats / 2;
  void *p = NULL;
  if (want < nfloats || want > (size_t)-1 / sizeof(float) || posix_memalign(&p, 64, want * sizeof(float)) != 0) {
    atomic_store(&failed, 1);
    return NULL;
  }
  free(buffers[thread][slot]);
  buffers[thread][slot] = p;
  sizes[thread][slot] = want;
  return p;
}
