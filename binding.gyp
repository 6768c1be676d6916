{
  "targets": [
    {
      "target_name": "convkit",
      "sources": [
        "native/napi/addon.c",
        "native/napi/geometry-check.c",
        "native/runtime/cpu-dispatch.c",
        "native/runtime/parallel-helpers.c",
        "native/runtime/peak-flops.c",
        "native/runtime/scratch.c",
        "native/runtime/thread-pool.c",
        "native/gemm/gemm-avx2.c",
        "native/gemm/gemm-avx512.c",
        "native/gemm/gemm-portable.c",
        "native/gemm/gemm.c",
        "native/conv/conv-c1-avx2.c",
        "native/conv/conv-c1.c",
        "native/conv/conv-input-grad.c",
        "native/conv/conv2d.c",
        "native/conv/im2col.c",
        "native/winograd/winograd-f5-transforms.c",
        "native/winograd/winograd-f5.c",
        "native/winograd/winograd-filter.c",
        "native/winograd/winograd-transforms.c",
        "native/winograd/winograd-weights.c",
        "native/winograd/winograd.c",
        "native/fused/conv-pool-algorithms.c",
        "native/fused/conv-pool-direct.c",
        "native/fused/conv-pool-sparse-backward.c",
        "native/fused/pool-live-pairs.c",
        "native/ops/avg-pool.c",
        "native/ops/batch-norm.c",
        "native/ops/elementwise.c",
        "native/ops/gather-rows.c",
        "native/ops/optimizers.c",
        "native/ops/pool.c",
        "native/ops/simd-loops.c"
      ],
      "include_dirs": ["native"],
      "cflags_c": ["-std=gnu11", "-O3", "-fno-math-errno", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2", "-O0"],
      "ldflags": ["-pthread"],
      "libraries": ["-lm"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O3", "-fno-math-errno"]
      }
    }
  ]
}
