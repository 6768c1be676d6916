/**
 * Everything a page needs to draw a model, as plain JSON: input size, layers
 * with output shapes, parameter counts and receptive fields, and every Conv2D
 * kernel. The playground server sends it; `convkit report` embeds it in the
 * HTML file. Browser-safe (src/browser.ts).
 */
import { Conv2D } from '../layers/conv2d.js';
import { shapeSize } from '../core/tensor.js';
import { receptiveFields, type ReceptiveField } from './receptive-field.js';
import type { Sequential } from './sequential.js';

export interface LayerView {
  name: string;
  className: string;
  /** Per-sample output shape (no batch dimension). */
  outputShape: number[];
  params: number;
  receptiveField: ReceptiveField;
}

export interface KernelView {
  layer: string;
  /** [kernel height, kernel width, input channels, filters], as stored. */
  shape: [number, number, number, number];
  /** The kernel's values in that order. */
  data: number[];
}

export interface ModelView {
  /** [height, width, channels]; see imageShape for models whose input is not an image. */
  inputShape: [number, number, number];
  /** Units of the last layer. */
  classes: number;
  layers: LayerView[];
  kernels: KernelView[];
}

/**
 * The model's input as an image: [h, w, c] as declared, [h, w] as one channel, and a flat [n]
 * (a Dense model) as the square it was flattened from when n is a square (784 -> 28x28), else one
 * row of n pixels. The values keep their row-major order, so h * w * c pixels feed the model as they are.
 */
export function imageShape(inputShape: readonly number[]): [number, number, number] {
  if (inputShape.length === 3) return [inputShape[0], inputShape[1], inputShape[2]];
  if (inputShape.length === 2) return [inputShape[0], inputShape[1], 1];
  const n = shapeSize(inputShape);
  const side = Math.round(Math.sqrt(n));
  return side * side === n ? [side, side, 1] : [1, n, 1];
}

export function modelView(model: Sequential): ModelView {
  const inputShape = imageShape(model.inputShape);
  const fields = receptiveFields(model.layers, inputShape[0]);
  const layers = model.layers.map((layer, i) => ({
    name: layer.name ?? layer.className,
    className: layer.className,
    outputShape: [...layer.outputShape],
    params: layer.paramCount(),
    receptiveField: { ...fields[i] },
  }));
  const kernels: KernelView[] = [];
  for (const layer of model.layers) {
    if (!(layer instanceof Conv2D)) continue;
    const kernel = layer.kernelWeight;
    const [kh, kw, c, f] = kernel.shape;
    kernels.push({ layer: layer.name ?? layer.className, shape: [kh, kw, c, f], data: Array.from(kernel.value) });
  }
  return { inputShape, classes: shapeSize(model.outputShape), layers, kernels };
}
