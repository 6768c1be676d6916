/**
 * Where a feature-map unit's receptive field lies on the input, from the
 * per-layer figures a ModelView carries (size and jump, computed by the
 * library from the model's own layers: src/model/receptive-field.ts).
 *
 * Unit (row, col) of a layer with jump j sees input pixels starting at
 * row * j - pad, where pad is how far the first unit's field reaches
 * before the input's edge. 'valid' layers reach nowhere past it (pad 0);
 * 'same' padding centres the fields, so the n units' fields overhang the
 * input equally on both sides: pad = ((n - 1) * j + size - N) / 2, rounded
 * down. A valid layer whose last unit stops short of the input's far edge
 * (the floor of a pooling division) gives a negative value, which is 0.
 * It matches the library's exact, layer-by-layer unitReceptiveField unit for
 * unit on the lab CNN and on 'same' and strided stacks
 * (test/apps/playground/receptive-field-outline.test.ts); the page needs this
 * form because the playground's server sends figures, not layers.
 */
import { ShapeError } from '../../../core/errors.js';

export interface FieldFigures { size: number | null; jump: number; global: boolean }

/** A square of input pixels; may extend past the input, see clipRect. */
export interface InputRect { top: number; left: number; size: number }

export interface LayerGrid {
  /** The layer's output [height, width, ...]. */
  outputShape: readonly number[];
  receptiveField: FieldFigures;
}

/** The input square unit (row, col) of `layer` depends on; null for a layer whose units see everything (dense, global pooling). */
export function unitInputRect(layer: LayerGrid, inputShape: readonly number[], row: number, col: number): InputRect | null {
  const { size, jump, global } = layer.receptiveField;
  if (global || size === null || layer.outputShape.length !== 3) return null;
  const [h, w] = layer.outputShape;
  if (!(Number.isInteger(row) && Number.isInteger(col) && row >= 0 && col >= 0 && row < h && col < w)) {
    throw new ShapeError(`Unit (${row}, ${col}) is outside the ${h}x${w} feature map.`);
  }
  const padTop = leadingPad(h, jump, size, inputShape[0]);
  const padLeft = leadingPad(w, jump, size, inputShape[1]);
  return { top: row * jump - padTop, left: col * jump - padLeft, size };
}

function leadingPad(units: number, jump: number, size: number, inputSide: number): number {
  return Math.max(0, Math.floor(((units - 1) * jump + size - inputSide) / 2));
}

export interface PixelRect { x: number; y: number; width: number; height: number }

/**
 * The part of `rect` inside a height x width input, scaled by `scale`
 * display pixels per input pixel (what the page outlines on its input view).
 */
export function clipRect(rect: InputRect, inputHeight: number, inputWidth: number, scale = 1): PixelRect {
  const x0 = Math.max(0, rect.left);
  const y0 = Math.max(0, rect.top);
  const x1 = Math.min(inputWidth, rect.left + rect.size);
  const y1 = Math.min(inputHeight, rect.top + rect.size);
  return { x: x0 * scale, y: y0 * scale, width: Math.max(0, x1 - x0) * scale, height: Math.max(0, y1 - y0) * scale };
}
