/**
 * The page's sequential colour map for activations (non-negative after relu
 * and pooling, so one hue ramp reads better than a diverging map): a
 * perceptually ordered dark-blue -> teal -> yellow ramp after matplotlib's
 * viridis, sampled at five stops and interpolated linearly. Kernels, whose
 * sign matters, use the library's diverging map (src/core/colour-map.ts).
 */
const VIRIDIS_STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Colour of `value` on a 0..max scale (values outside it are clamped; max <= 0 gives the lowest colour). */
export function sequentialRgb(value: number, max: number): [number, number, number] {
  const t = max > 0 && Number.isFinite(value) ? Math.min(1, Math.max(0, value / max)) : 0;
  const pos = t * (VIRIDIS_STOPS.length - 1);
  const i = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = VIRIDIS_STOPS[i];
  const b = VIRIDIS_STOPS[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** Largest finite absolute value of `values` (0 when there is none): the scale both maps are drawn against. */
export function maxAbs(values: ArrayLike<number>, start = 0, end = values.length): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const v = Math.abs(values[i]);
    if (v > m && Number.isFinite(v)) m = v;
  }
  return m;
}
