/*
 * Every function the addon exports, with its parameters in call order: the one
 * place a binding's arguments are written down. addon.c reads each argument by
 * name (ARG(binding, parameter) is its argv index, ARGS(binding) its count),
 * registers the functions from these lists, and exports the parameter names as
 * addon.parameters, which test/native-bindings.test.ts compares with the
 * declarations in src/backend/native/native-addon.ts.
 * B(JS name, C function, parameters...)
 */
#ifndef CONVKIT_BINDINGS_H
#define CONVKIT_BINDINGS_H

#define CK_BINDINGS(B)                                                                                    \
  B(matmul, js_matmul, a, b, c, m, n, k, transA, transB, accumulate)                                     \
  B(conv2d, js_conv2d, x, w, y, conv, bias, activation)                                                  \
  B(conv2dBackpropInput, js_conv2d_bi, dy, w, dx, conv)                                                  \
  B(conv2dBackpropFilter, js_conv2d_bf, x, dy, dw, conv)                                                 \
  B(maxPool, js_max_pool, x, y, argmax, pool)                                                            \
  B(maxPoolBackprop, js_max_pool_bp, dy, argmax, dx, pool)                                               \
  B(avgPool, js_avg_pool, x, y, pool)                                                                   \
  B(avgPoolBackprop, js_avg_pool_bp, dy, dx, pool)                                                       \
  B(batchNormMoments, js_bn_moments, x, moments, rows, cols)                                             \
  B(channelAffine, js_channel_affine, x, y, scale, shift, rows, cols, activation)                        \
  B(batchNormBackprop, js_bn_backprop, x, dy, dx, statistics, gradients, reluOutput, rows, cols)         \
  B(convReluMaxPool, js_conv_relu_pool, x, w, y, bias, argmax, conv, pool)                               \
  B(poolConvBackprop, js_pool_conv_backprop, g, argmax, x, w, dw, dx, pooled, db, conv, pool)            \
  B(convReluMaxPoolAlgorithms, js_conv_relu_pool_algorithms, conv, pool)                                 \
  B(biasActivation, js_bias_activation, y, bias, rows, cols, activation)                                 \
  B(activationBackprop, js_activation_backprop, activation, y, dy, dx, n)                                \
  B(biasGrad, js_bias_grad, dy, db, rows, cols)                                                          \
  B(activationBackpropBiasGrad, js_activation_bias_grad, activation, y, dy, dx, db, rows, cols)          \
  B(softmax, js_softmax, x, y, rows, cols)                                                               \
  B(softmaxBackprop, js_softmax_bp, y, dy, dx, rows, cols)                                               \
  B(softmaxCrossEntropySparse, js_xent_sparse, logits, labels, probs, dlogits, rows, cols, gradScale)    \
  B(softmaxCrossEntropyDense, js_xent_dense, logits, targets, probs, dlogits, rows, cols, gradScale)     \
  B(adamUpdate, js_adam, param, grad, m, v, n, alpha, beta1, beta2, epsilon)                             \
  B(sgdUpdate, js_sgd, param, grad, velocity, n, learningRate, momentum, nesterov)                       \
  B(rmspropUpdate, js_rmsprop, param, grad, meanSquare, n, learningRate, rho, epsilon)                   \
  B(gatherRows, js_gather_rows, source, rowLength, rows, target)                                         \
  B(setThreads, js_set_threads, n)                                                                       \
  B(setIsa, js_set_isa, isa)                                                                             \
  B(setWinograd, js_set_winograd, tile)                                                                  \
  B(measurePeakGflops, js_peak_gflops, milliseconds)                                                     \
  B(alignmentOffset, js_alignment_offset, buffer)

/* The functions without parameters. N(JS name, C function) */
#define CK_BINDINGS_WITHOUT_PARAMETERS(N)                                                                 \
  N(getThreads, js_get_threads)                                                                          \
  N(getIsa, js_get_isa)                                                                                  \
  N(supportedIsas, js_supported_isas)                                                                    \
  N(isaChoice, js_isa_choice)                                                                            \
  N(getWinograd, js_get_winograd)

/* CK_FOR_EACH(M, context, a, b, ...) is M(context, a) M(context, b) ...: up to 10 parameters. */
#define CK_FE_1(M, c, x) M(c, x)
#define CK_FE_2(M, c, x, ...) M(c, x) CK_FE_1(M, c, __VA_ARGS__)
#define CK_FE_3(M, c, x, ...) M(c, x) CK_FE_2(M, c, __VA_ARGS__)
#define CK_FE_4(M, c, x, ...) M(c, x) CK_FE_3(M, c, __VA_ARGS__)
#define CK_FE_5(M, c, x, ...) M(c, x) CK_FE_4(M, c, __VA_ARGS__)
#define CK_FE_6(M, c, x, ...) M(c, x) CK_FE_5(M, c, __VA_ARGS__)
#define CK_FE_7(M, c, x, ...) M(c, x) CK_FE_6(M, c, __VA_ARGS__)
#define CK_FE_8(M, c, x, ...) M(c, x) CK_FE_7(M, c, __VA_ARGS__)
#define CK_FE_9(M, c, x, ...) M(c, x) CK_FE_8(M, c, __VA_ARGS__)
#define CK_FE_10(M, c, x, ...) M(c, x) CK_FE_9(M, c, __VA_ARGS__)
#define CK_FE_PICK(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, NAME, ...) NAME
#define CK_FOR_EACH(M, c, ...)                                                                             \
  CK_FE_PICK(__VA_ARGS__, CK_FE_10, CK_FE_9, CK_FE_8, CK_FE_7, CK_FE_6, CK_FE_5, CK_FE_4, CK_FE_3, CK_FE_2, \
             CK_FE_1, unused)(M, c, __VA_ARGS__)

#endif
