/**
 * What fuses, in one place: an ordered list of rules the plan tries at each
 * layer, first match wins. A rule either takes some layers as one step, or
 * says why it does not apply to the layer it is looking at (only when that
 * layer is one it is about: a conv followed by the wrong pool, not a Flatten),
 * so `summary({ plan: true })` can list why a block did not form.
 *
 * A block that forms may still run unfused kernels: which kernels the backend
 * has for the block's geometry is the backend's answer (convReluMaxPoolSupport),
 * recorded with the step.
 */
import type { Backend, FloatArray, FusedConvPoolSupport } from '../../backend/backend.js';
import type { DType } from '../../core/tensor.js';
import { Activation } from '../../layers/activation.js';
import { AffineLayer } from '../../layers/affine-layer.js';
import { Conv2D } from '../../layers/conv2d.js';
import type { Layer } from '../../layers/layer.js';
import { MaxPooling2D } from '../../layers/max-pooling2d.js';
import { ConvReluPoolBlock } from './conv-relu-pool-block.js';
import { BatchNormalization } from '../../layers/batch-normalization.js';
import { BatchNormReluBlock } from './batch-norm-relu-block.js';
import { ConvBatchNormBlock } from './conv-batch-norm-block.js';
import type { PlanStep } from './plan-step.js';

export interface RuleContext {
  readonly backend: Backend;
  readonly dtype: DType;
}

/** A rule took layers [start, start + step.layers.length) as one step; `kernels` says which fused kernels it runs and which not. */
export interface RuleMatch {
  readonly step: PlanStep;
  readonly kernels: readonly KernelChoice[];
}

/** One part of a fused step (e.g. "forward") and the kernel it runs, or the reason it runs the unfused kernels. */
export interface KernelChoice {
  readonly part: string;
  readonly kernel: string | null;
  readonly reason?: string;
}

export interface FusionRule {
  readonly name: string;
  /** A match, a reason this rule does not apply at `start`, or null when `start` is not a layer it is about. */
  match(layers: readonly Layer[], start: number, context: RuleContext): RuleMatch | { readonly reason: string } | null;
}

function relu(layer: Layer): boolean {
  return layer instanceof Activation && layer.activation === 'relu';
}

function noFusedKernels(backend: Backend): FusedConvPoolSupport {
  const reason = `backend '${backend.name}' has no fused conv + relu + max-pool kernels`;
  return { forward: { kernel: null, reason }, backward: { kernel: null, reason } };
}

/**
 * Conv2D(relu) -> MaxPooling2D, or Conv2D(linear) -> Activation('relu') -> MaxPooling2D:
 * one block (conv-relu-pool-block.ts) whose backward runs the relu on the pooled tensor.
 */
const convReluMaxPool: FusionRule = {
  name: 'conv-relu-maxpool',
  match(layers, start, { backend, dtype }) {
    const conv = layers[start];
    if (!(conv instanceof Conv2D)) return null;
    const separateRelu = conv.activation === 'linear' && start + 1 < layers.length && relu(layers[start + 1]);
    if (conv.activation !== 'relu' && !separateRelu) {
      return { reason: `activation is ${conv.activation}; the block needs relu (in the conv or as Activation('relu') right after it)` };
    }
    const poolAt = start + (separateRelu ? 2 : 1);
    const pool = layers[poolAt];
    if (!(pool instanceof MaxPooling2D)) {
      const next = pool ? `${pool.name} (${pool.className})` : 'nothing';
      return { reason: `followed by ${next}, not a MaxPooling2D` };
    }
    const support = backend.convReluMaxPoolSupport?.(conv.convInfo(1), pool.poolInfo(1)) ?? noFusedKernels(backend);
    const block = layers.slice(start, poolAt + 1);
    return {
      step: new ConvReluPoolBlock(block, conv, pool, backend, dtype, support),
      kernels: [
        { part: 'forward', ...support.forward },
        { part: 'backward', ...support.backward },
      ],
    };
  },
};

/**
 * BatchNormalization -> Activation('relu'): one block (batch-norm-relu-block.ts)
 * whose forward applies the relu in the normalisation's pass and whose
 * backward masks inside the normalisation's backward. Both backends run it:
 * the relu is an argument of the same kernels.
 */
const batchNormRelu: FusionRule = {
  name: 'batchnorm-relu',
  match(layers, start) {
    const norm = layers[start];
    if (!(norm instanceof BatchNormalization)) return null;
    const next = layers[start + 1];
    if (!next || !relu(next)) {
      return { reason: `followed by ${next ? `${next.name} (${next.className})` : 'nothing'}, not Activation('relu')` };
    }
    return { step: new BatchNormReluBlock([norm, next], norm), kernels: [{ part: 'forward and backward', kernel: 'channelAffine + relu, batchNormBackprop masked' }] };
  },
};

/**
 * Conv2D(linear) -> BatchNormalization [-> Activation('relu') [-> MaxPooling2D]]:
 * one block (conv-batch-norm-block.ts) that runs the layers in training and, in
 * inference, folds the normalisation into the convolution, with the fused
 * conv + relu + max-pool kernel where the backend has it for the geometry.
 */
const convBatchNorm: FusionRule = {
  name: 'conv-batchnorm',
  match(layers, start, { backend, dtype }) {
    const conv = layers[start];
    if (!(conv instanceof Conv2D)) return null;
    const norm = layers[start + 1];
    if (!(norm instanceof BatchNormalization)) {
      return { reason: `followed by ${norm ? `${norm.name} (${norm.className})` : 'nothing'}, not BatchNormalization` };
    }
    if (conv.activation !== 'linear') return { reason: `activation is ${conv.activation}; folding BatchNormalization into the conv needs linear` };
    const hasRelu = start + 2 < layers.length && relu(layers[start + 2]);
    const next = layers[start + 3];
    const pool = hasRelu && next instanceof MaxPooling2D ? next : null;
    const support = pool ? backend.convReluMaxPoolSupport?.(conv.convInfo(1), pool.poolInfo(1)) ?? noFusedKernels(backend) : null;
    const fusedPool = support !== null && support.forward.kernel !== null && backend.conv2dReluMaxPool !== undefined;
    const block = layers.slice(start, start + 2 + (hasRelu ? 1 : 0) + (pool ? 1 : 0));
    const inference = fusedPool
      ? { part: 'inference', kernel: `${support!.forward.kernel} on the folded kernel` }
      : { part: 'inference', kernel: `conv2d on the folded kernel${support ? `, then maxPool (not fused: ${support.forward.reason})` : ''}` };
    return {
      step: new ConvBatchNormBlock(block, conv, norm, hasRelu, pool, fusedPool, backend, dtype),
      kernels: [{ part: 'training', kernel: `conv2d, batch statistics, channelAffine${hasRelu ? ' + relu' : ''}` }, inference],
    };
  },
};

/** Ordered: the first rule that matches at a layer takes it. */
export const FUSION_RULES: readonly FusionRule[] = [convReluMaxPool, convBatchNorm, batchNormRelu];

/**
 * The model's last layer, when its softmax can be fused with a cross-entropy
 * loss (the loss then reads the logits, and backward starts from dL/dlogits).
 */
export interface SoftmaxOutput extends PreActivationOutput {
  lastLogits(): FloatArray;
}

/** A last layer whose backward can start from dL/d(pre-activation) instead of dL/d(output). */
export interface PreActivationOutput {
  backwardFromPreActivation(dz: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null;
}

/**
 * The sigmoid + binary cross-entropy rule: the last layer's sigmoid (Dense/Conv2D activation or
 * Activation('sigmoid')). The loss then gives dL/dz = (p - t) directly, as Keras's TF backend does by
 * reading the sigmoid's logits: through a clipped log and p (1 - p), a saturated wrong output would
 * get almost no gradient. Test: test/losses/sigmoid-fusion.test.ts.
 */
export function sigmoidOutputOf(layers: readonly Layer[]): (Layer & PreActivationOutput) | null {
  const last = layers[layers.length - 1];
  return (last instanceof AffineLayer || last instanceof Activation) && last.activation === 'sigmoid' ? last : null;
}

/** The softmax + cross-entropy rule: the last layer's softmax (Dense/Conv2D activation or Activation('softmax')), or why not. */
export function softmaxOutputOf(layers: readonly Layer[]): { readonly layer: Layer & SoftmaxOutput } | { readonly reason: string } {
  const last = layers[layers.length - 1];
  if ((last instanceof AffineLayer || last instanceof Activation) && last.activation === 'softmax') return { layer: last };
  const activation = last instanceof AffineLayer || last instanceof Activation ? last.activation : 'none';
  return { reason: `the last layer's activation is ${activation}, not softmax` };
}

export const SOFTMAX_CROSS_ENTROPY_RULE = 'softmax-cross-entropy';
export const SIGMOID_CROSS_ENTROPY_RULE = 'sigmoid-binary-cross-entropy';
