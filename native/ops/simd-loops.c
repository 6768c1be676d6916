/* Builds the three ISA copies of simd-loops.h (isa-copies.h) and picks one with the GEMM path. */
#include "ops/simd-loops-table.h"

#include <math.h>

#define CK_COPIES_OF "ops/simd-loops.h"
#include "runtime/isa-copies.h"

const ck_simd_loops *ck_loops(void) { return CK_ACTIVE_COPY(ck_simd_loops); }
