/**
 * Every layer's output for one sample: what inspect draws and the playground
 * page shows while the user draws. The model's layers run one at a time on a
 * batch of 1 in inference mode (as Sequential.forwardBatch runs them, without
 * the execution plan's fused blocks, whose intermediate outputs never exist),
 * each output copied because layers reuse their output buffers (and Flatten
 * returns its input). Browser-safe (src/browser.ts).
 */
import type { FloatArray } from '../backend/backend.js';
import { allocate, shapeSize } from '../core/tensor.js';
import { ShapeError } from '../core/errors.js';
import type { Sequential } from './sequential.js';

export interface LayerOutput {
  name: string;
  className: string;
  /** Per-sample output shape (no batch dimension), e.g. [26, 26, 32]. */
  shape: number[];
  /** NHWC values of the one sample, as float32 whatever the model's dtype. */
  data: Float32Array;
}

/** `input` is one sample of the model's input shape (h * w * c values, NHWC). */
export function layerOutputs(model: Sequential, input: ArrayLike<number>): LayerOutput[] {
  const wanted = shapeSize(model.inputShape);
  if (input.length !== wanted) {
    throw new ShapeError(`The model expects one input of shape [${model.inputShape.join(', ')}] (${wanted} values); received ${input.length} values.`);
  }
  let x: FloatArray = allocate(model.dtype, wanted);
  x.set(input);
  const outputs: LayerOutput[] = [];
  for (const layer of model.layers) {
    x = layer.forward(x, 1, false);
    outputs.push({ name: layer.name ?? layer.className, className: layer.className, shape: [...layer.outputShape], data: Float32Array.from(x) });
  }
  return outputs;
}
