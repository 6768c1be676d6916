/**
 * Receptive fields, computed layer by layer (the lab's "feature hierarchy"):
 * a unit's field grows by (kernel - 1) * jump, and the jump (distance in input
 * pixels between neighbouring units) multiplies by the stride:
 *   r_out = r_in + (k - 1) * j_in,   j_out = j_in * s,   starting from r = 1, j = 1.
 * For the lab CNN: conv 3 -> pool 4 -> conv 8 -> pool 10 input pixels.
 * Browser-safe: the playground page outlines one unit's field (unitReceptiveField).
 */
import { windowGeometry } from '../core/conv-geometry.js';
import { ConfigError } from '../core/errors.js';
import type { Layer } from '../layers/layer.js';

export interface ReceptiveField {
  /** Side of the input square one output unit depends on, in input pixels; null once positions are mixed (dense). */
  size: number | null;
  /** Input pixels between neighbouring output units. */
  jump: number;
  /** True when each unit sees the whole input. */
  global: boolean;
}

export function receptiveFields(layers: readonly Layer[], inputSide: number): ReceptiveField[] {
  let size = 1;
  let jump = 1;
  let global = false;
  return layers.map((layer) => {
    const d = layer.details();
    if (d.global) global = true;
    if (d.window && !global) {
      size = size + (d.window.kernel - 1) * jump;
      jump = jump * d.window.stride;
    }
    return { size: global ? inputSide : size, jump, global };
  });
}

/** One unit's field on the input, in input pixels. */
export interface UnitField {
  /** Input row and column of the field's top-left pixel; negative when 'same' padding puts it past the edge (clip when drawing). */
  top: number;
  left: number;
  /** Side of the square, as receptiveFields gives for the layer. */
  size: number;
}

/**
 * The input square that unit (row, col) of layer `layerIndex`'s [H, W, C] output depends on.
 * Walked from that layer back to the input: a window of n units at `start` in a layer's output
 * covers (n - 1) * stride + kernel units of its input, from start * stride - padBefore, where
 * padBefore is the layer's 'same' padding on that axis (../core/conv-geometry.ts, as TensorFlow).
 * Null for a layer whose units see the whole input (dense) or whose output has no rows and columns (flatten).
 * `inputSide` is the input's side, used for a layer that has not been built.
 */
export function unitReceptiveField(layers: readonly Layer[], inputSide: number, layerIndex: number, row: number, col: number): UnitField | null {
  if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= layers.length) {
    throw new ConfigError(`unitReceptiveField expects layerIndex as an integer in 0..${layers.length - 1}; received ${layerIndex}.`);
  }
  const chosen = layers.slice(0, layerIndex + 1);
  if (chosen.some((layer) => layer.details().global)) return null;
  const outputShape = layers[layerIndex].outputShape;
  if (outputShape.length !== 3) return null;
  const [height, width] = outputShape;
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || row >= height || col < 0 || col >= width) {
    throw new ConfigError(`unitReceptiveField: layer ${layers[layerIndex].name ?? layerIndex} has ${height}x${width} units; received row ${row}, column ${col}.`);
  }
  let top = row;
  let left = col;
  let size = 1;
  for (let i = layerIndex; i >= 0; i--) {
    const layer = layers[i];
    const window = layer.details().window;
    if (!window) continue;
    const [inHeight, inWidth] = layer.inputShape.length === 3 ? layer.inputShape : [inputSide, inputSide];
    const padding = window.padding ?? 'valid';
    top = top * window.stride - windowGeometry(inHeight, window.kernel, window.stride, padding).padBefore;
    left = left * window.stride - windowGeometry(inWidth, window.kernel, window.stride, padding).padBefore;
    size = (size - 1) * window.stride + window.kernel;
  }
  return { top, left, size };
}
