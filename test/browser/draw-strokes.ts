/**
 * Digits drawn with the mouse, as a person would: polylines in the unit
 * square of the draw canvas, pressed, moved in small steps and released.
 */
import type { Page } from 'playwright-core';

type Stroke = Array<[number, number]>;

function ellipse(cx: number, cy: number, rx: number, ry: number, steps = 28): Stroke {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const a = (i / steps) * Math.PI * 2 - Math.PI / 2;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as [number, number];
  });
}

/** Strokes of a few digits, shaped like MNIST's (a 1 leans slightly, a 7 has no bar). */
export const DIGIT_STROKES: Record<number, Stroke[]> = {
  0: [ellipse(0.5, 0.5, 0.2, 0.32)],
  1: [[[0.54, 0.15], [0.5, 0.5], [0.46, 0.85]]],
  7: [[[0.25, 0.2], [0.75, 0.2], [0.6, 0.45], [0.45, 0.85]]],
};

export async function drawDigit(page: Page, digit: number, testid = 'draw-canvas'): Promise<void> {
  const canvas = page.getByTestId(testid);
  // Mouse events land where the canvas is on screen: bring it to the middle, clear of the sticky header.
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`[data-testid=${testid}] is not visible`);
  for (const stroke of DIGIT_STROKES[digit]) {
    const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (let i = 1; i < stroke.length; i++) await page.mouse.move(...at(stroke[i]), { steps: 6 });
    await page.mouse.up();
  }
}

/**
 * The same strokes drawn with a finger: touch events sent through the
 * DevTools protocol, which Chromium turns into pointer events of type
 * 'touch' (the page must have been opened with touch emulated: hasTouch).
 */
export async function drawDigitByTouch(page: Page, digit: number, testid = 'draw-canvas'): Promise<void> {
  const canvas = page.getByTestId(testid);
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = await canvas.boundingBox();
  if (!box) throw new Error(`[data-testid=${testid}] is not visible`);
  const cdp = await page.context().newCDPSession(page);
  try {
    for (const stroke of DIGIT_STROKES[digit]) {
      const at = ([x, y]: [number, number]) => ({ x: box.x + x * box.width, y: box.y + y * box.height });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at(stroke[0])] });
      for (let i = 1; i < stroke.length; i++) {
        const [a, b] = [stroke[i - 1], stroke[i]];
        for (let s = 1; s <= 6; s++) {
          const f = s / 6;
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [at([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f])] });
        }
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    }
  } finally {
    await cdp.detach();
  }
}
