/*
 * Compiles the loop file named by CK_COPIES_OF once per ISA, baseline, AVX2
 * and AVX-512, with function target attributes, so that the build never
 * needs -march. The file names its copy's functions and its table with
 * CK_SUFFIX and gives them CK_TARGET; the compiler vectorises (or lowers GCC
 * vectors) for each. The tables _portable, _avx2 and _avx512 go into the ISA
 * paths of cpu-dispatch.c like every other per-ISA table. Used by
 * simd-loops.c and winograd-f5-transforms.c.
 */
#include "runtime/isa-target.h"

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
