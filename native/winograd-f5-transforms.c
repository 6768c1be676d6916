/* Builds the portable and AVX2 copies of winograd-f5-loops.h. */
#include "winograd-f5.h"

#include <string.h>

/* 8 channels in one value: GCC vector extensions, lowered to whatever the copy's target has. */
typedef float ck_v8 __attribute__((vector_size(32)));
typedef int32_t ck_v8i __attribute__((vector_size(32)));

#define CK_SUFFIX portable
#define CK_TARGET
#include "winograd-f5-loops.h"
#undef CK_SUFFIX
#undef CK_TARGET

#if CK_X86
#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2,fma")))
#include "winograd-f5-loops.h"
#undef CK_SUFFIX
#undef CK_TARGET
#endif

const ck_wf5_loops *ck_wf5_loops_for(int wide) {
#if CK_X86
  if (wide) return &ck_wf5_loops_avx2;
#endif
  (void)wide;
  return &ck_wf5_loops_portable;
}
