/*
 * The instruction-set target attributes, in one place. Code for a wider path
 * is compiled with one of these on its functions (never with -march), so one
 * build runs on any x86-64 and cpu-dispatch.c picks the path at load: only
 * functions marked here may use AVX2 or AVX-512 instructions. They are
 * reached one way only: each module with per-ISA code exports one table of
 * function pointers per copy (written with intrinsics, or compiled once per
 * ISA from one source by isa-copies.h), and cpu-dispatch.c composes the
 * tables into the paths of ck_isa() (ck_isa_path in convkit.h). Kernel files
 * call through ck_isa() and never test the ISA themselves.
 */
#ifndef CONVKIT_ISA_TARGET_H
#define CONVKIT_ISA_TARGET_H
#include "convkit.h"

#if CK_X86
/* AVX2 with FMA: the avx2 path, and the 256-bit helpers the avx512 path shares. */
#define CK_TARGET_AVX2 __attribute__((target("avx2,fma")))
/* The avx512 GEMM kernels and peak-flops chains: AVX-512F only, which is all cpu-dispatch.c checks. */
#define CK_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))
/* The compiler-vectorised loop copies of isa-copies.h, which may also lower to VL/BW/DQ forms. */
#define CK_TARGET_AVX512_LOOPS __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#endif
#endif
