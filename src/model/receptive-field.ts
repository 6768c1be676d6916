/**
 * Receptive fields, computed layer by layer (the lab's "feature hierarchy"):
 * a unit's field grows by (kernel - 1) * jump, and the jump (distance in input
 * pixels between neighbouring units) multiplies by the stride:
 *   r_out = r_in + (k - 1) * j_in,   j_out = j_in * s,   starting from r = 1, j = 1.
 * For the lab CNN: conv 3 -> pool 4 -> conv 8 -> pool 10 input pixels.
 */
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
