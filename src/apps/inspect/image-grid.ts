/**
 * Pictures of many small planes (kernels, activation maps) laid out as one grid
 * image: per-tile normalisation to 0..255, two colour maps, nearest-neighbour
 * upscaling and the grid itself. Pure functions on RGB bytes; ../image/png-write.ts encodes.
 *
 * Colour maps, and why:
 * - Kernels use the diverging map of ../../core/colour-map.ts (blue - white -
 *   red, the page uses it too) scaled by the tile's largest |weight|, so zero
 *   is white in every tile and the sign shows.
 * - Activation maps are grey, min..max per map (black = the map's smallest
 *   value, white = its largest): after ReLU or max pooling the values are
 *   one-signed, so brightness alone says where the feature fired. A constant
 *   map (often a dead ReLU channel, all zeros) is drawn black.
 * - The input image is grey on a fixed scale (0 -> black, 1 -> white), not
 *   normalised, so it looks like the pixels the network was given.
 */
import { ConfigError, ShapeError } from '../../core/errors.js';
import { divergingRgb } from '../../core/colour-map.js';

/** Row-major RGB, 3 bytes per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

export interface GridOptions {
  /** Each value becomes a scale x scale block of pixels (nearest neighbour). */
  scale: number;
  /** Pixels of background between tiles and around the grid. */
  gap: number;
  background: Rgb;
  /** Tiles per row; default gridColumns(count). */
  columns?: number;
}

/** Tiles per row: the smallest power of two at least sqrt(count) (32 -> 8 x 4, 64 -> 8 x 8, 10 -> 4 x 3). */
export function gridColumns(count: number): number {
  if (count <= 1) return 1;
  let columns = 1;
  while (columns * columns < count) columns *= 2;
  return Math.min(columns, count);
}

/** Upscale factor so that a side of `side` values is drawn at least `target` pixels wide. */
export function scaleFor(side: number, target: number): number {
  return Math.max(1, Math.ceil(target / Math.max(1, side)));
}

/** Grey levels min..max -> 0..255 (rounded); a constant plane is all 0. */
export function greyLevels(values: ArrayLike<number>): Uint8Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const levels = new Uint8Array(values.length);
  const range = max - min;
  if (!(range > 0)) return levels;
  for (let i = 0; i < values.length; i++) levels[i] = Math.round(((values[i] - min) / range) * 255);
  return levels;
}

/** Grey levels on a fixed scale: 0 -> 0, 1 -> 255, clamped (for the input image). */
export function fixedGreyLevels(values: ArrayLike<number>): Uint8Array {
  return Uint8Array.from({ length: values.length }, (_, i) => Math.round(Math.min(1, Math.max(0, values[i])) * 255));
}

/** Grey levels as RGB triples. */
export function greyToRgb(levels: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(levels.length * 3);
  for (let i = 0; i < levels.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = levels[i];
  return rgb;
}

/** Each value through divergingRgb (../../core/colour-map.ts), scaled by the largest |value|. All zeros -> white. */
export function divergingColours(values: ArrayLike<number>): Uint8Array {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]));
  const rgb = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) rgb.set(divergingRgb(values[i], maxAbs), 3 * i);
  return rgb;
}

/** Lays out RGB tiles (each tileHeight x tileWidth values, 3 bytes each) row by row, upscaled, with gaps. */
export function drawGrid(tiles: readonly Uint8Array[], tileHeight: number, tileWidth: number, options: GridOptions): RgbImage {
  const { scale, gap, background } = options;
  if (!Number.isInteger(scale) || scale < 1) throw new ConfigError(`drawGrid expects scale as a positive integer; received ${scale}.`);
  for (const [i, tile] of tiles.entries()) {
    if (tile.length !== tileHeight * tileWidth * 3) {
      throw new ShapeError(`drawGrid: tile ${i} has ${tile.length} bytes; a ${tileHeight}x${tileWidth} RGB tile has ${tileHeight * tileWidth * 3}.`);
    }
  }
  const columns = Math.max(1, options.columns ?? gridColumns(tiles.length));
  const rows = Math.max(1, Math.ceil(tiles.length / columns));
  const cellWidth = tileWidth * scale;
  const cellHeight = tileHeight * scale;
  const width = gap + columns * (cellWidth + gap);
  const height = gap + rows * (cellHeight + gap);
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(background, 3 * p);
  tiles.forEach((tile, index) => {
    const left = gap + (index % columns) * (cellWidth + gap);
    const top = gap + Math.floor(index / columns) * (cellHeight + gap);
    for (let y = 0; y < cellHeight; y++) {
      const sourceRow = Math.floor(y / scale) * tileWidth;
      for (let x = 0; x < cellWidth; x++) {
        const source = 3 * (sourceRow + Math.floor(x / scale));
        data.set(tile.subarray(source, source + 3), 3 * ((top + y) * width + left + x));
      }
    }
  });
  return { width, height, data };
}
