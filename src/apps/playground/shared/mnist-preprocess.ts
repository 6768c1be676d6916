/**
 * Turns a drawing into the input an MNIST model expects, the way the MNIST
 * digits themselves were made (LeCun et al.): the ink's bounding box is
 * scaled, keeping its aspect ratio, so that its longer side is 20 pixels;
 * the 20x20-or-smaller image is then placed in a 28x28 field so that its
 * centre of mass sits at the field's centre. Without this, a digit drawn
 * small or off-centre on a large canvas is misread by a model trained on
 * MNIST (test/browser/playground-draw.test.ts draws strokes at the canvas's
 * own scale and needs this to be classified right).
 *
 * DOM-free: the page passes the canvas's alpha (or grey) channel.
 */
import { ShapeError } from '../../../core/errors.js';

export interface Drawing {
  /** Ink per pixel, row-major, any non-negative scale (0 = empty). */
  ink: ArrayLike<number>;
  width: number;
  height: number;
}

export interface PreprocessOptions {
  /** Side of the output field (MNIST: 28). */
  side?: number;
  /** Side of the box the ink's longer side is scaled to (MNIST: 20). */
  box?: number;
}

/**
 * The side x side input in [0, 1] (white ink on black, like MNIST), row-major;
 * all zeros for an empty drawing.
 */
export function mnistInput(drawing: Drawing, options: PreprocessOptions = {}): Float32Array {
  const side = options.side ?? 28;
  const box = options.box ?? 20;
  const { ink, width, height } = drawing;
  if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new ShapeError(`mnistInput expects a drawing with positive integer width and height; received ${width}x${height}.`);
  }
  if (ink.length !== width * height) {
    throw new ShapeError(`mnistInput: a ${width}x${height} drawing needs ${width * height} ink values; received ${ink.length}.`);
  }
  if (!(box > 0 && box <= side)) throw new ShapeError(`mnistInput expects 0 < box <= side; received box ${box}, side ${side}.`);
  const out = new Float32Array(side * side);
  const bounds = inkBounds(ink, width, height);
  if (bounds === null) return out;

  const boxW = bounds.right - bounds.left;
  const boxH = bounds.bottom - bounds.top;
  const scale = box / Math.max(boxW, boxH);
  const w = Math.max(1, Math.round(boxW * scale));
  const h = Math.max(1, Math.round(boxH * scale));
  const small = areaResample(ink, width, bounds, w, h);
  normalise(small);

  // Centre of mass of the scaled digit, placed at the field's centre.
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  const offX = Math.round(side / 2 - cx / mass);
  const offY = Math.round(side / 2 - cy / mass);
  for (let y = 0; y < h; y++) {
    const ty = y + offY;
    if (ty < 0 || ty >= side) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + offX;
      if (tx < 0 || tx >= side) continue;
      out[ty * side + tx] = small[y * w + x];
    }
  }
  return out;
}

interface Bounds { left: number; top: number; right: number; bottom: number } // right/bottom exclusive

function inkBounds(ink: ArrayLike<number>, width: number, height: number): Bounds | null {
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  return right < 0 ? null : { left, top, right: right + 1, bottom: bottom + 1 };
}

/**
 * Box filter: each output pixel is the mean ink over the source area it
 * covers (fractional edges weighted), so thin strokes survive a large
 * downscale as grey instead of vanishing between samples.
 */
function areaResample(ink: ArrayLike<number>, width: number, b: Bounds, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const sx = (b.right - b.left) / w;
  const sy = (b.bottom - b.top) / h;
  for (let oy = 0; oy < h; oy++) {
    const y0 = b.top + oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < w; ox++) {
      const x0 = b.left + ox * sx;
      const x1 = x0 + sx;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += ink[y * width + x] * wx * wy;
        }
      }
      out[oy * w + ox] = sum / (sx * sy);
    }
  }
  return out;
}

/** Scales so the darkest stroke is 1 (MNIST's strokes saturate at 255). */
function normalise(values: Float32Array): void {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max > 0) for (let i = 0; i < values.length; i++) values[i] = Math.min(1, values[i] / max);
}
