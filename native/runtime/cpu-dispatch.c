/*
 * Chooses the GEMM path once at load time from what the CPU reports, so one
 * .node file runs on any x86-64 (and the portable path on arm64): the fastest
 * path measured for the CPU's family, not always the widest (choose_fastest).
 * CONVKIT_ISA forces a path, which lets tests exercise every path on one machine.
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

/*
 * Why the current path was chosen, one line for JS (isaChoice) and the bench.
 * Written at load and by setIsa only, both under the addon's call lock.
 */
static char choice_reason[200] = "not chosen yet";

const char *ck_isa_reason(void) { return choice_reason; }

void ck_isa_set_reason(const char *reason) { snprintf(choice_reason, sizeof choice_reason, "%s", reason); }

#if CK_X86
#include <cpuid.h>

/* CPUID vendor "AuthenticAMD" and the display family and model (family 0x19: Zen 3 and Zen 4; 0x1A: Zen 5). */
static int amd_family_model(unsigned *family, unsigned *model) {
  unsigned a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
  /* "Auth" "enti" "cAMD" in ebx, edx, ecx. */
  if (b != 0x68747541u || d != 0x69746e65u || c != 0x444d4163u) return 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  unsigned base = (a >> 8) & 0xf, ext = (a >> 20) & 0xff;
  *family = base == 0xf ? base + ext : base;
  *model = ((a >> 4) & 0xf) | (base == 0xf ? ((a >> 16) & 0xf) << 4 : 0);
  return 1;
}
#endif

/*
 * The fastest path this CPU runs, which is not always the widest. On AMD
 * family 0x19 (Zen 3 has no AVX-512; Zen 4 executes it on 256-bit units) the
 * avx2 path trained the lab CNN faster than avx512: on an EPYC family 0x19
 * model 0x11, five alternating pairs of one-epoch batch-128 runs
 * (CONVKIT_ISA=avx2|avx512 node dist/bench/phases/train-epoch.js --batch 128
 * --epochs 1 --inference-passes 1 under /usr/bin/time) gave avx512 about 1.07x
 * the user CPU time of avx2. Intel and AMD family >= 0x1A (Zen 5, full 512-bit
 * datapaths) keep avx512 unmeasured: redo that comparison on such a machine
 * before trusting the choice there.
 */
static ck_isa_id choose_fastest(void) {
  if (ck_isa_supported(CK_ISA_AVX512)) {
#if CK_X86
    unsigned family, model;
    if (amd_family_model(&family, &model) && family == 0x19) {
      snprintf(choice_reason, sizeof choice_reason,
               "AMD family 19h model %02xh runs AVX-512 on 256-bit units; avx2 trains the lab CNN faster there "
               "(CONVKIT_ISA=avx512 forces the wider path)", model);
      return CK_ISA_AVX2;
    }
#endif
    snprintf(choice_reason, sizeof choice_reason, "widest path this CPU supports (AVX-512F)");
    return CK_ISA_AVX512;
  }
  if (ck_isa_supported(CK_ISA_AVX2)) {
    snprintf(choice_reason, sizeof choice_reason, "widest path this CPU supports (AVX2 and FMA, no AVX-512)");
    return CK_ISA_AVX2;
  }
  snprintf(choice_reason, sizeof choice_reason, CK_X86 ? "this CPU has no AVX2 and FMA" : "not an x86-64 CPU");
  return CK_ISA_PORTABLE;
}

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
    snprintf(choice_reason, sizeof choice_reason, "forced by CONVKIT_ISA=%s", forced);
    return 0;
  }
  ck_isa_set(choose_fastest());
  return 0;
}
