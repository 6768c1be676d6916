/*
 * Chooses the instruction-set path once at load time from what the CPU
 * reports, so one .node file runs on any x86-64 (and the portable path on
 * arm64): the fastest path measured for the CPU's family, not always the
 * widest (choose_fastest). CONVKIT_ISA forces a path, which lets tests
 * exercise every path on one machine. A path is one table of every module's
 * per-ISA copy (ck_isa_path, convkit.h); this file is the one place that says
 * which copy each path runs.
 */
#include "convkit.h"
#include "conv/conv-c1.h"
#include "fused/conv-pool-direct.h"
#include "fused/conv-pool-sparse-backward.h"
#include "fused/pool-live-pairs.h"
#include "ops/simd-loops-table.h"
#include "winograd/winograd-f5.h"
#include "winograd/winograd-transforms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ck_isa_path portable_path = {
    .id = CK_ISA_PORTABLE,
    .name = "portable",
    .gemm = &ck_gemm_portable,
    .gemm_rows = &ck_gemm_portable,
    .loops = &ck_simd_loops_portable,
    .wf5 = &ck_wf5_loops_portable,
    .winograd = &ck_wg_transforms_portable,
    .conv_c1 = &ck_conv_c1_portable,
    .direct = &ck_conv_pool_direct_portable,
    .sparse = &ck_sparse_rows_portable,
    .live_pairs = &ck_live_pairs_portable,
    .peak_chains = ck_peak_chains_portable,
};

#if CK_X86
static const ck_isa_path avx2_path = {
    .id = CK_ISA_AVX2,
    .name = "avx2",
    .gemm = &ck_gemm_avx2,
    .gemm_rows = &ck_gemm_avx2,
    .loops = &ck_simd_loops_avx2,
    .wf5 = &ck_wf5_loops_avx2,
    .winograd = &ck_wg_transforms_avx2,
    .conv_c1 = &ck_conv_c1_avx2,
    .direct = &ck_conv_pool_direct_avx2,
    .sparse = &ck_sparse_rows_avx2,
    .live_pairs = &ck_live_pairs_avx2,
    .peak_chains = ck_peak_chains_avx2,
};

/*
 * The AVX-512 GEMM and compiler-vectorised copies; the hand-written 256-bit
 * kernels of the other modules are AVX2's (every AVX-512 CPU runs AVX2), and
 * so are the GEMM tables for rows (ck_gemm_avx512 has no conv_fwd_add or
 * conv_wgrad_rows).
 */
static const ck_isa_path avx512_path = {
    .id = CK_ISA_AVX512,
    .name = "avx512",
    .gemm = &ck_gemm_avx512,
    .gemm_rows = &ck_gemm_avx2,
    .loops = &ck_simd_loops_avx512,
    .wf5 = &ck_wf5_loops_avx512,
    .winograd = &ck_wg_transforms_avx2,
    .conv_c1 = &ck_conv_c1_avx2,
    .direct = &ck_conv_pool_direct_avx2,
    .sparse = &ck_sparse_rows_avx2,
    .live_pairs = &ck_live_pairs_avx2,
    .peak_chains = ck_peak_chains_avx512,
};
#endif

static const ck_isa_path *current = &portable_path;

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
  case CK_ISA_AVX512: current = &avx512_path; break;
  case CK_ISA_AVX2: current = &avx2_path; break;
#endif
  default: current = &portable_path; break;
  }
}

const ck_isa_path *ck_isa(void) { return current; }

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
