/* Builds the three ISA copies of simd-loops.h and picks one with the GEMM path. */
#include "simd-loops-table.h"

#include <math.h>

#define CK_SUFFIX portable
#define CK_TARGET
#include "simd-loops.h"
#undef CK_SUFFIX
#undef CK_TARGET

#if CK_X86
#define CK_SUFFIX avx2
#define CK_TARGET __attribute__((target("avx2,fma")))
#include "simd-loops.h"
#undef CK_SUFFIX
#undef CK_TARGET

#define CK_SUFFIX avx512
#define CK_TARGET __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#include "simd-loops.h"
#undef CK_SUFFIX
#undef CK_TARGET
#endif

const ck_simd_loops *ck_loops(void) {
#if CK_X86
  switch (ck_isa()->id) {
  case CK_ISA_AVX512: return &ck_simd_loops_avx512;
  case CK_ISA_AVX2: return &ck_simd_loops_avx2;
  default: break;
  }
#endif
  return &ck_simd_loops_portable;
}
