/**
 * channelPlanes splits an [H, W, C] layer output (see ../../model/layer-outputs.ts,
 * which computes every layer's output for one image) into C maps.
 */
import { ShapeError } from '../../core/errors.js';

/** The C channel maps of an [H, W, C] (NHWC, one sample) buffer, each H * W row-major. */
export function channelPlanes(values: ArrayLike<number>, shape: readonly number[]): Float64Array[] {
  if (shape.length !== 3) throw new ShapeError(`channelPlanes expects a [height, width, channels] shape; received [${shape.join(', ')}].`);
  const [h, w, c] = shape;
  if (values.length !== h * w * c) throw new ShapeError(`channelPlanes: shape [${shape.join(', ')}] needs ${h * w * c} values; received ${values.length}.`);
  const planes = Array.from({ length: c }, () => new Float64Array(h * w));
  for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) planes[k][p] = values[p * c + k];
  return planes;
}
