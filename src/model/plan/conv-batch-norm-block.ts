/**
 * The block Conv2D(linear) + BatchNormalization [+ Activation('relu')
 * [+ MaxPooling2D]]: the modern CNN's unit. Training runs the layers' own
 * passes in order (the batch statistics need the whole conv output first),
 * with the relu inside the normalisation's passes as in batch-norm-relu-block.ts.
 * Inference folds the normalisation into the convolution: with the moving
 * statistics BatchNormalization is y = z * scale + shift per output channel,
 * so conv(x, w) + b followed by it is conv(x, w * scale) + (b * scale + shift),
 * one convolution whose epilogue adds that bias and applies the relu, and,
 * with a 2x2 pool the backend fuses, the fused conv + relu + max-pool kernel:
 * neither the conv output nor the normalised tensor is stored. Folding
 * rounds differently from the separate passes (within float32 rounding;
 * test/model/plan/conv-batch-norm-block.test.ts).
 * N batch, OC the conv's filters; the kernel is [KH, KW, C, OC].
 */
import type { Backend, BiasActivationEpilogue, FloatArray } from '../../backend/backend.js';
import { batchBuffer } from '../../core/batch-buffer.js';
import { allocate, arrayType, shapeSize, type DType } from '../../core/tensor.js';
import type { BatchNormalization } from '../../layers/batch-normalization.js';
import type { Conv2D } from '../../layers/conv2d.js';
import type { Layer } from '../../layers/layer.js';
import type { MaxPooling2D } from '../../layers/max-pooling2d.js';
import type { PlanStep } from './plan-step.js';

export class ConvBatchNormBlock implements PlanStep {
  private readonly arrayType: Float32ArrayConstructor | Float64ArrayConstructor;
  private readonly foldedKernel: FloatArray;
  private readonly foldedBias: FloatArray;
  private readonly scale: FloatArray;
  private readonly shift: FloatArray;
  /** The folded bias and the relu, made once: conv2d takes it on every inference call. */
  private readonly epilogue: BiasActivationEpilogue;
  /** Inference outputs: the conv's (when no fused pool takes it) and the pool's. */
  private convOutput: FloatArray | undefined;
  private pooled: FloatArray | undefined;

  constructor(
    readonly layers: readonly Layer[],
    private readonly conv: Conv2D,
    private readonly norm: BatchNormalization,
    private readonly relu: boolean,
    private readonly pool: MaxPooling2D | null,
    /** Whether inference runs backend.conv2dReluMaxPool (the backend named a fused forward for this geometry). */
    private readonly fusedPool: boolean,
    private readonly backend: Backend,
    private readonly dtype: DType,
  ) {
    this.arrayType = arrayType(dtype);
    const filters = conv.filters;
    this.foldedKernel = this.allocateBuffer(conv.kernelWeight.value.length);
    this.foldedBias = this.allocateBuffer(filters);
    this.scale = this.allocateBuffer(filters);
    this.shift = this.allocateBuffer(filters);
    this.epilogue = { bias: this.foldedBias, activation: relu ? 'relu' : 'linear' };
  }

  private readonly allocateBuffer = (size: number): FloatArray =>
    this.dtype === 'float32' && this.backend.allocateFloat32 ? this.backend.allocateFloat32(size) : allocate(this.dtype, size);

  forward(x: FloatArray, batch: number, training: boolean): FloatArray {
    if (training) {
      const z = this.conv.forward(x, batch, true);
      const y = this.norm.normalize(z, batch, true, this.relu ? 'relu' : 'linear');
      return this.pool ? this.pool.forward(y, batch, true) : y;
    }
    this.fold();
    const convInfo = this.conv.convInfo(batch);
    if (this.pool && this.fusedPool) {
      const y = (this.pooled = batchBuffer(this.pooled, batch * shapeSize(this.pool.outputShape), this.arrayType, this.allocateBuffer));
      this.backend.conv2dReluMaxPool!(x, this.foldedKernel, this.foldedBias, y, null, convInfo, this.pool.poolInfo(batch));
      return y;
    }
    const z = (this.convOutput = batchBuffer(this.convOutput, batch * shapeSize(this.conv.outputShape), this.arrayType, this.allocateBuffer));
    this.backend.conv2d(x, this.foldedKernel, z, convInfo, this.epilogue);
    if (!this.pool) return z;
    const y = (this.pooled = batchBuffer(this.pooled, batch * shapeSize(this.pool.outputShape), this.arrayType, this.allocateBuffer));
    this.backend.maxPool(z, y, null, this.pool.poolInfo(batch));
    return y;
  }

  /** kernel * scale and bias * scale + shift per output channel, from the current weights and moving statistics. */
  private fold(): void {
    const kernel = this.conv.kernelWeight.value, bias = this.conv.biasWeight?.value;
    const scale = this.scale, shift = this.shift, filters = this.conv.filters;
    this.norm.inferenceMap(scale, shift);
    for (let i = 0; i < kernel.length; i++) this.foldedKernel[i] = kernel[i] * scale[i % filters];
    for (let o = 0; o < filters; o++) this.foldedBias[o] = (bias ? bias[o] : 0) * scale[o] + shift[o];
  }

  backward(dy: FloatArray, batch: number, needInputGrad: boolean): FloatArray | null {
    if (!this.pool) {
      const dz = this.norm.backpropagate(dy, batch, this.relu ? this.norm.lastOutput() : null);
      return this.conv.backward(dz, batch, needInputGrad);
    }
    // relu then max pool (the block has a pool only after a relu): the pool routes dy to its
    // argmax, where the relu's output is the pooled value, so relu' there is pooled > 0. The mask
    // runs on the pooled gradient (4x smaller for 2x2 pooling) and the normalisation's backward
    // then reads no relu output: the same values, bit for bit, as masking at full size
    // (test/model/plan/batch-norm-blocks.test.ts).
    const pooled = this.pool.lastOutput();
    this.backend.activationBackprop('relu', pooled, dy, dy, batch * shapeSize(this.pool.outputShape));
    const g = this.pool.backward(dy, batch, true)!;
    const dz = this.norm.backpropagate(g, batch, null);
    return this.conv.backward(dz, batch, needInputGrad);
  }
}
