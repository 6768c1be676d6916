/**
 * What GlobalAveragePooling2D and GlobalMaxPooling2D share: each pools the
 * whole H x W plane of x[N,H,W,C] into y[N,C], which is a pooling window the
 * size of the input (so both backends run their ordinary pooling kernels on a
 * geometry core computes, and the native boundary checks it as any pool), and
 * Keras's keepdims, which convkit implements as false only.
 */
import type { FloatArray, Pool2DInfo } from '../backend/backend.js';
import { pool2dInfo } from '../core/conv-geometry.js';
import type { FixedKerasKey, OnnxGraph } from './layer-descriptor.js';
import { Layer, type BuildContext, type LayerPlan } from './layer.js';
import { expectInputRank, knownLayerOptions } from './validate-options.js';

export interface GlobalPooling2DOptions {
  inputShape?: readonly number[];
  name?: string;
  trainable?: boolean;
}

/** One window over the whole plane: output 1 x 1 per channel. */
export function globalPoolInfo(batch: number, inputShape: readonly number[]): Pool2DInfo {
  const [h, w, c] = inputShape;
  return pool2dInfo(batch, h, w, c, h, w, h, w, 'valid');
}

/** The shape, options, geometry and buffers of both global poolings; each subclass runs its own kernels. */
export abstract class GlobalPooling2D extends Layer {
  private geometry: Pool2DInfo | undefined;
  protected output: FloatArray | undefined;
  protected inputGrad: FloatArray | undefined;

  constructor(className: string, options: GlobalPooling2DOptions) {
    super(options);
    // No options of their own: Keras's keepdims is a fixed key of the descriptor, not an option here.
    knownLayerOptions(className, options, []);
  }

  plan(inputShape: readonly number[]): LayerPlan | undefined {
    return inputShape.length === 3 ? { weights: [], outputShape: [inputShape[2]] } : undefined;
  }

  protected computeOutputShape(inputShape: readonly number[], _context: BuildContext): readonly number[] {
    expectInputRank(this.displayName, inputShape, 4, 'batch, height, width, channels', 'Put it after a Conv2D or pooling layer.');
    return this.plan(inputShape)!.outputShape;
  }

  protected poolInfo(batch: number): Pool2DInfo {
    if (this.geometry?.batch !== batch) this.geometry = globalPoolInfo(batch, this.inputShape);
    return this.geometry;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, inputShape: this.declaredInputShape };
  }
}

/** Keras 3's keepdims: convkit's global pooling gives [N, C], Keras's default. */
export const KEEPDIMS_FALSE: FixedKerasKey = { keras: 'keepdims', exported: undefined, ok: (v) => v === false, expected: 'false (convkit outputs [N, C])' };

/** ReduceMean / ReduceMax over H and W of the NHWC tensor, to [N, C] (opset 13 takes axes as an attribute). */
export function onnxGlobalReduce(graph: OnnxGraph, name: string, op: 'ReduceMean' | 'ReduceMax'): void {
  // [N, C] has no layout of its own: reduce in NHWC so the graph's layout stays true for what follows.
  graph.toLayout('NHWC', `${name}/to_nhwc`);
  graph.add(`${name}/${op}`, op, [], [{ name: 'axes', ints: [1, 2] }, { name: 'keepdims', int: 0 }]);
}
