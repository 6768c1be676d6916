/*
 * Compiles the loop file named by CK_COPIES_OF once per ISA, baseline, AVX2
 * and AVX-512, with function target attributes, so that the build never
 * needs -march. The file names its copy's functions with CK_SUFFIX and gives
 * them CK_TARGET; the compiler vectorises (or lowers GCC vectors) for each.
 * Used by simd-loops.c and winograd-f5-transforms.c.
 */
#include "runtime/isa-target.h"

#ifndef CONVKIT_ISA_COPIES_PICK
#define CONVKIT_ISA_COPIES_PICK
/* &table_<suffix> for the current ISA path (ck_isa()), from tables named table_portable, _avx2, _avx512. */
#if CK_X86
#define CK_ACTIVE_COPY(table) \
  (ck_isa()->id == CK_ISA_AVX512 ? &table##_avx512 : ck_isa()->id == CK_ISA_AVX2 ? &table##_avx2 : &table##_portable)
#else
#define CK_ACTIVE_COPY(table) (&table##_portable)
#endif
#endif

#define CK_SUFFIX portable
#define CK_TARGET
#include CK_COPIES_OF
#undef CK_SUFFIX
#undef CK_TARGET

#if CK_X86
#define CK_SUFFIX avx2
#define CK_TARGET CK_TARGET_AVX2
#include CK_COPIES_OF
#undef CK_SUFFIX
#undef CK_TARGET

#define CK_SUFFIX avx512
#define CK_TARGET CK_TARGET_AVX512_LOOPS
#include CK_COPIES_OF
#undef CK_SUFFIX
#undef CK_TARGET
#endif
