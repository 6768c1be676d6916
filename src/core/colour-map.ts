/**
 * The signed (diverging) colour map shared by inspect's kernel PNGs and the
 * playground page: blue - white - red, scaled symmetrically by maxAbs so that
 * zero is white whatever the range. Red weights make a unit fire on bright
 * pixels there, blue ones suppress it; a grey min..max map would put zero at a
 * different grey in each tile and hide the sign.
 */

/**
 * t = value / maxAbs clipped to [-1, 1]; t >= 0 -> (255, 255(1-t), 255(1-t)) (white to red),
 * t < 0 -> (255(1+t), 255(1+t), 255) (white to blue). maxAbs <= 0 or not finite, or a NaN value -> white.
 */
export function divergingRgb(value: number, maxAbs: number): [number, number, number] {
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs) || Number.isNaN(value)) return [255, 255, 255];
  const t = Math.max(-1, Math.min(1, value / maxAbs));
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? [255, fade, fade] : [fade, fade, 255];
}
