/**
 * The reference backend: plain, readable TypeScript loops over Float32Array or
 * Float64Array. It is the oracle every faster backend is tested against, and
 * the fallback when the native addon cannot load.
 */
import type { Backend } from '../backend.js';
import { matmul } from './matmul.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv2d.js';
import { maxPool, maxPoolBackprop } from './pooling.js';
import { avgPool, avgPoolBackprop } from './average-pooling.js';
import { batchNormBackprop, batchNormMoments, channelAffine } from './batch-norm.js';
import {
  activationBackprop, activationBackpropBiasGrad, biasActivation, biasGrad, softmax, softmaxBackprop,
  softmaxCrossEntropyDense, softmaxCrossEntropySparse,
} from './elementwise.js';
import { adamUpdate, rmspropUpdate, sgdUpdate } from './optimizer-updates.js';
import { gatherRows } from './gather-rows.js';

export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    description: 'reference (plain TypeScript loops, single thread)',
    supportsFloat64: true,
    matmul, conv2d, conv2dBackpropInput, conv2dBackpropFilter,
    maxPool, maxPoolBackprop, avgPool, avgPoolBackprop,
    batchNormMoments, channelAffine, batchNormBackprop,
    biasActivation, activationBackprop, biasGrad, activationBackpropBiasGrad, softmax, softmaxBackprop,
    softmaxCrossEntropySparse, softmaxCrossEntropyDense,
    adamUpdate, sgdUpdate, rmspropUpdate, gatherRows,
  };
}
