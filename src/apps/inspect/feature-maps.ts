/**
 * Every layer's output for one image: the model's layers run one at a time on
 * a batch of 1 (as Sequential.forwardBatch runs them, in inference mode), each
 * output copied because layers reuse their output buffers (and Flatten returns
 * its input). channelPlanes splits an [H, W, C] output into C maps.
 */
import type { FloatArray } from '../../backend/backend.js';
import { allocate, shapeSize } from '../../core/tensor.js';
import type { Layer } from '../../layers/layer.js';
import type { Sequential } from '../../model/sequential.js';
import { ShapeError } from '../../core/errors.js';

export interface LayerOutput {
  layer: Layer;
  /** Per-sample output shape (no batch dimension). */
  shape: readonly number[];
  values: FloatArray;
}

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
    outputs.push({ layer, shape: layer.outputShape, values: x.slice() });
  }
  return outputs;
}

/** The C channel maps of an [H, W, C] (NHWC, one sample) buffer, each H * W row-major. */
export function channelPlanes(values: ArrayLike<number>, shape: readonly number[]): Float64Array[] {
  if (shape.length !== 3) throw new ShapeError(`channelPlanes expects a [height, width, channels] shape; received [${shape.join(', ')}].`);
  const [h, w, c] = shape;
  if (values.length !== h * w * c) throw new ShapeError(`channelPlanes: shape [${shape.join(', ')}] needs ${h * w * c} values; received ${values.length}.`);
  const planes = Array.from({ length: c }, () => new Float64Array(h * w));
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) planes[k][p] = values[p * c + k];
  return planes;
}
