/*
 * Chooses the GEMM path once at load time from what the CPU reports, so one
 * .node file runs on any x86-64 (and the portable path on arm64). CONVKIT_ISA
 * forces a path, which lets tests exercise every path on one machine.
 */
#include "convkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ck_gemm_isa *current = &ck_gemm_portable;

int ck_isa_supported(ck_isa_id id) {
  switch (id) {
  case CK_ISA_PORTABLE:
    return 1;
#if CK_X86
  case CK_ISA_AVX2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case CK_ISA_AVX512:
    __builtin_cpu_init();
    /* The kernel uses only AVX-512F instructions; AVX2+FMA gate the rest of the build. */
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
           __builtin_cpu_supports("fma");
#endif
  default:
    return 0;
  }
}

int ck_isa_parse(const char *name) {
  if (strcmp(name, "portable") == 0) return CK_ISA_PORTABLE;
  if (strcmp(name, "avx2") == 0) return CK_ISA_AVX2;
  if (strcmp(name, "avx512") == 0) return CK_ISA_AVX512;
  return -1;
}

void ck_isa_set(ck_isa_id id) {
  switch (id) {
#if CK_X86
  case CK_ISA_AVX512: current = &ck_gemm_avx512; break;
  case CK_ISA_AVX2: current = &ck_gemm_avx2; break;
#endif
  default: current = &ck_gemm_portable; break;
  }
}

const ck_gemm_isa *ck_isa(void) { return current; }

int ck_isa_init(char *err, size_t errlen) {
  const char *forced = getenv("CONVKIT_ISA");
  if (forced && *forced) {
    int id = ck_isa_parse(forced);
    if (id < 0) {
      snprintf(err, errlen, "CONVKIT_ISA=%s is not one of avx512, avx2, portable", forced);
      return -1;
    }
    if (!ck_isa_supported((ck_isa_id)id)) {
      snprintf(err, errlen, "CONVKIT_ISA=%s but this CPU does not support it", forced);
      return -1;
    }
    ck_isa_set((ck_isa_id)id);
    return 0;
  }
  if (ck_isa_supported(CK_ISA_AVX512)) ck_isa_set(CK_ISA_AVX512);
  else if (ck_isa_supported(CK_ISA_AVX2)) ck_isa_set(CK_ISA_AVX2);
  else ck_isa_set(CK_ISA_PORTABLE);
  return 0;
}
