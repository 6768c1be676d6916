/**
 * The fused block Conv2D + relu + MaxPooling2D (the relu either the conv's own
 * activation or an Activation('relu') layer between them). The block owns the
 * buffers of all its layers and runs their math itself, with the conv's
 * weights and both layers' geometry, so the full-resolution activation is
 * never stored when the backend has the fused kernels.
 *
 * Which kernels run was decided once, when the plan compiled
 * (backend.convReluMaxPoolSupport): the fused forward (conv2dReluMaxPool) or
 * conv2d with a bias + relu epilogue then maxPool; the fused backward
 * (maxPoolConv2dBackprop) or the same math as separate kernels. Either way the
 * backward runs the relu on the pooled tensor: relu is monotone, so the pool's
 * output at o is relu(z) at o's argmax, and relu'(z) there is (pooled[o] > 0);
 * the mask and the bias gradient are computed on the pooled tensor (4x smaller
 * for 2x2 pooling) and the pool then scatters the masked gradient, which is dz
 * exactly (every other dz element is zero in both orders).
 *
 * N batch, H/W input, C channels, OH/OW conv output, PH/PW pooled output, OC filters.
 */
import type { Backend, BiasActivationEpilogue, FloatArray, FusedConvPoolSupport, PooledReluGradient } from '../../backend/backend.js';
import { batchBuffer } from '../../core/batch-buffer.js';
import { allocate, arrayType, shapeSize, type DType } from '../../core/tensor.js';
import type { Conv2D } from '../../layers/conv2d.js';
import type { Layer } from '../../layers/layer.js';
import type { MaxPooling2D } from '../../layers/max-pooling2d.js';
import type { PlanStep } from './plan-step.js';
import { ConvkitError } from '../../core/errors.js';

const newInt32Array = (size: number): Int32Array => new Int32Array(size);

export class ConvReluPoolBlock implements PlanStep {
  private readonly fusedForward: boolean;
  private readonly fusedBackward: boolean;
  /** The conv's bias + relu, made once: the unfused forward hands it to conv2d on every call. */
  private readonly epilogue: BiasActivationEpilogue;
  /** Updated in place (no object per step) for the fused backward. */
  private readonly relu: PooledReluGradient;
  private readonly arrayType: Float32ArrayConstructor | Float64ArrayConstructor;

  private input: FloatArray | undefined;
  /** Pooled output [N, PH, PW, OC] and, when training, its argmax into the conv output. */
  private pooled: FloatArray | undefined;
  private argmax: Int32Array | undefined;
  /** Conv output [N, OH, OW, OC], only when the forward is not fused. */
  private convOutput: FloatArray | undefined;
  /** dL/dz at conv resolution, only when the backward is not fused. */
  private convGrad: FloatArray | undefined;
  private inputGrad: FloatArray | undefined;
  /** Batch of the last training forward pass; -1 when there is none. */
  private trainedBatch = -1;

  constructor(
    readonly layers: readonly Layer[],
    private readonly conv: Conv2D,
    private readonly pool: MaxPooling2D,
    private readonly backend: Backend,
    private readonly dtype: DType,
    support: FusedConvPoolSupport,
  ) {
    this.fusedForward = support.forward.kernel !== null && backend.conv2dReluMaxPool !== undefined;
    this.fusedBackward = support.backward.kernel !== null && backend.maxPoolConv2dBackprop !== undefined;
    this.epilogue = { bias: conv.biasWeight?.value ?? null, activation: 'relu' };
    this.relu = { pooled: new (arrayType(dtype))(0), db: conv.biasWeight?.grad ?? null };
    this.arrayType = arrayType(dtype);
  }

  private readonly allocateBuffer = (size: number): FloatArray =>
    this.dtype === 'float32' && this.backend.allocateFloat32 ? this.backend.allocateFloat32(size) : allocate(this.dtype, size);

  private buffer(current: FloatArray | undefined, size: number): FloatArray {
    return batchBuffer(current, size, this.arrayType, this.allocateBuffer);
  }

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    const convInfo = this.conv.convInfo(batch), poolInfo = this.pool.poolInfo(batch);
    const size = batch * shapeSize(this.pool.outputShape);
    const y = (this.pooled = this.buffer(this.pooled, size));
    const argmax = training ? (this.argmax = batchBuffer(this.argmax, size, Int32Array, newInt32Array)) : null;
    const kernel = this.conv.kernelWeight.value;
    if (this.fusedForward) {
      this.backend.conv2dReluMaxPool!(x, kernel, this.epilogue.bias, y, argmax, convInfo, poolInfo);
    } else {
      const z = (this.convOutput = this.buffer(this.convOutput, batch * shapeSize(this.conv.outputShape)));
      this.backend.conv2d(x, kernel, z, convInfo, this.epilogue);
      this.backend.maxPool(z, y, argmax, poolInfo);
    }
    // Only training needs the input, for the kernel gradient.
    this.input = training ? x : undefined;
    this.trainedBatch = training ? batch : -1;
    return y;
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    const x = this.input;
    if (!x || this.trainedBatch !== batch) {
      throw new ConvkitError(`${this.layers.map((l) => l.name).join(' + ')}: backward on ${batch} samples without a training forward pass on them.`);
    }
    const convInfo = this.conv.convInfo(batch), poolInfo = this.pool.poolInfo(batch);
    const pooled = this.pooled!, argmax = this.argmax!;
    const kernel = this.conv.kernelWeight, bias = this.conv.biasWeight;
    const dx = needInputGrad ? (this.inputGrad = this.buffer(this.inputGrad, batch * shapeSize(this.conv.inputShape))) : null;
    if (this.fusedBackward) {
      // One call: relu mask, bias gradient, kernel and input gradients, without the conv-sized dz.
      this.relu.pooled = pooled;
      this.backend.maxPoolConv2dBackprop!(dy, argmax, x, kernel.value, kernel.grad, dx, convInfo, poolInfo, this.relu);
      return dx;
    }
    const units = this.conv.filters, rows = pooled.length / units;
    // The masked gradient overwrites dy: the caller does not read it again.
    if (bias) this.backend.activationBackpropBiasGrad('relu', pooled, dy, dy, bias.grad, rows, units);
    else this.backend.activationBackprop('relu', pooled, dy, dy, rows * units);
    const dz = (this.convGrad = this.buffer(this.convGrad, batch * shapeSize(this.conv.outputShape)));
    this.backend.maxPoolBackprop(dy, argmax, dz, poolInfo);
    this.backend.conv2dBackpropFilter(x, dz, kernel.grad, convInfo);
    if (dx) this.backend.conv2dBackpropInput(dz, kernel.value, dx, convInfo);
    return dx;
  }
}
