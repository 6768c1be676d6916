{
  "targets": [
    {
      "target_name": "convkit",
      "sources": [
        "native/addon.c",
        "native/geometry-check.c",
        "native/cpu-dispatch.c",
        "native/thread-pool.c",
        "native/scratch.c",
        "native/gemm.c",
        "native/gemm-portable.c",
        "native/gemm-avx2.c",
        "native/gemm-avx512.c",
        "native/im2col.c",
        "native/conv2d.c",
        "native/conv-c1.c",
        "native/conv-c1-avx2.c",
        "native/conv-input-grad.c",
        "native/conv-pool.c",
        "native/conv-pool-sparse-backward.c",
        "native/pool-live-pairs.c",
        "native/parallel-helpers.c",
        "native/winograd.c",
        "native/winograd-transforms.c",
        "native/winograd-filter.c",
        "native/winograd-weights.c",
        "native/winograd-f5.c",
        "native/winograd-f5-transforms.c",
        "native/pool.c",
        "native/simd-loops.c",
        "native/elementwise.c",
        "native/optimizers.c",
        "native/gather-rows.c",
        "native/peak-flops.c"
      ],
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
