/* Builds the three ISA copies of simd-loops.h (isa-copies.h); cpu-dispatch.c puts one in each ISA path. */
#include "ops/simd-loops-table.h"

#include <math.h>

#define CK_COPIES_OF "ops/simd-loops.h"
#include "runtime/isa-copies.h"
