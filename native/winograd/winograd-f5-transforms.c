/* Builds the ISA copies of winograd-f5-loops.h (isa-copies.h); cpu-dispatch.c puts one in each ISA path. */
#include "winograd/winograd-f5.h"

#include <string.h>

/* 8 channels in one value: GCC vector extensions, lowered to whatever the copy's target has. */
typedef float ck_v8 __attribute__((vector_size(32)));
typedef int32_t ck_v8i __attribute__((vector_size(32)));

#define CK_COPIES_OF "winograd/winograd-f5-loops.h"
#include "runtime/isa-copies.h"
