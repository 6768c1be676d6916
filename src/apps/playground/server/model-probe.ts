/**
 * What the page asks of a model: its view (layers, shapes, receptive fields,
 * kernels) and every layer's output for one drawing. Both follow the
 * contract's library API (ModelView, layerOutputs); this file is the one
 * place the server reaches for them.
 */
import type { Sequential } from '../../../model/sequential.js';
import { receptiveFields } from '../../../model/receptive-field.js';
import { layerOutputs as inspectLayerOutputs } from '../../inspect/feature-maps.js';

export interface ModelView {
  inputShape: [number, number, number];
  classes: number;
  layers: Array<{ name: string; className: string; outputShape: number[]; params: number; receptiveField: { size: number | null; jump: number; global: boolean } }>;
  kernels: Array<{ layer: string; shape: [number, number, number, number]; data: number[] }>;
}

export interface LayerOutput {
  name: string;
  className: string;
  shape: number[];
  data: Float32Array;
}

export function modelView(model: Sequential): ModelView {
  const [h, w, c] = model.inputShape;
  const fields = receptiveFields(model.layers, Math.max(h, w));
  return {
    inputShape: [h, w, c ?? 1],
    classes: model.outputShape[model.outputShape.length - 1],
    layers: model.layers.map((layer, i) => ({
      name: layer.name ?? layer.namePrefix,
      className: layer.className,
      outputShape: [...layer.outputShape],
      params: layer.paramCount(),
      receptiveField: fields[i],
    })),
    kernels: model.layers.flatMap((layer) => {
      const kernel = layer.className === 'Conv2D' ? layer.weights().find((weight) => weight.name.endsWith('/kernel')) : undefined;
      return kernel ? [{ layer: layer.name ?? layer.namePrefix, shape: [...kernel.shape] as [number, number, number, number], data: Array.from(kernel.value) }] : [];
    }),
  };
}

export function layerOutputs(model: Sequential, input: ArrayLike<number>): LayerOutput[] {
  return inspectLayerOutputs(model, input).map(({ layer, shape, values }) => ({
    name: layer.name ?? layer.namePrefix,
    className: layer.className,
    shape: [...shape],
    data: values instanceof Float32Array ? values : Float32Array.from(values),
  }));
}
