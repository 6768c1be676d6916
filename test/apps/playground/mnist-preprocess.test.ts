import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mnistInput } from '../../../src/apps/playground/shared/mnist-preprocess.js';
import { ShapeError } from '../../../src/core/errors.js';

function blankCanvas(width: number, height: number): Float32Array {
  return new Float32Array(width * height);
}

function fillRect(ink: Float32Array, width: number, x0: number, y0: number, w: number, h: number): void {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * width + x] = 1;
}

function inkBox(out: Float32Array, side = 28): { left: number; top: number; right: number; bottom: number } {
  let left = side, top = side, right = -1, bottom = -1;
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
    if (out[y * side + x] > 0) { left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y); }
  }
  return { left, top, right: right + 1, bottom: bottom + 1 };
}

function centreOfMass(out: Float32Array, side = 28): [number, number] {
  let m = 0, cx = 0, cy = 0;
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) { const v = out[y * side + x]; m += v; cx += v * (x + 0.5); cy += v * (y + 0.5); }
  return [cx / m, cy / m];
}

test('a tall stroke in a corner of a large canvas is scaled to 20 pixels high, keeping its aspect, and centred by mass', () => {
  const width = 280, height = 280;
  const ink = blankCanvas(width, height);
  fillRect(ink, width, 10, 20, 40, 100); // 40 wide, 100 tall, top-left
  const out = mnistInput({ ink, width, height });
  const box = inkBox(out);
  assert.equal(box.bottom - box.top, 20, 'the longer side fills the 20-pixel box');
  assert.equal(box.right - box.left, 8, 'the shorter side keeps the 2:5 aspect (20 * 40 / 100)');
  const [cx, cy] = centreOfMass(out);
  assert.ok(Math.abs(cx - 14) <= 0.5 && Math.abs(cy - 14) <= 0.5, `centre of mass ${cx}, ${cy} should be within half a pixel of (14, 14)`);
  assert.equal(Math.max(...out), 1, 'the strongest ink is 1, like MNIST white');
});

test('the centre of mass, not the bounding box, is centred: a heavy left half shifts the box right', () => {
  const width = 100, height = 100;
  const ink = blankCanvas(width, height);
  fillRect(ink, width, 0, 0, 50, 100); // heavy left block
  fillRect(ink, width, 50, 0, 50, 5); // thin bar on the right top
  const out = mnistInput({ ink, width, height });
  const box = inkBox(out);
  const boxCentreX = (box.left + box.right) / 2;
  assert.ok(boxCentreX > 14.5, `the box centre ${boxCentreX} should lie right of the field's centre, since the mass is on its left`);
  const [cx] = centreOfMass(out);
  assert.ok(Math.abs(cx - 14) <= 0.5, `centre of mass x ${cx}`);
});

test('a thin stroke survives the downscale as grey instead of vanishing', () => {
  const width = 400, height = 400;
  const ink = blankCanvas(width, height);
  fillRect(ink, width, 100, 0, 400 - 100, 1); // a 1-pixel line, 300 long
  fillRect(ink, width, 100, 0, 1, 400); // and a 1-pixel column: a 300x400 box
  const out = mnistInput({ ink, width, height });
  const lit = out.filter((v) => v > 0).length;
  assert.ok(lit >= 30, `the two strokes should light at least 30 pixels; lit ${lit}`);
});

test('an empty drawing gives an all-zero input, and a mismatched size is a ShapeError', () => {
  const out = mnistInput({ ink: blankCanvas(50, 40), width: 50, height: 40 });
  assert.equal(out.length, 784);
  assert.ok(out.every((v) => v === 0));
  assert.throws(() => mnistInput({ ink: new Float32Array(10), width: 5, height: 3 }), (e: unknown) => e instanceof ShapeError && /15 ink values; received 10/.test(e.message));
});

test('the output side and box follow the options (a 32x32 model input)', () => {
  const ink = blankCanvas(64, 64);
  fillRect(ink, 64, 8, 8, 48, 48);
  const out = mnistInput({ ink, width: 64, height: 64 }, { side: 32, box: 24 });
  assert.equal(out.length, 32 * 32);
  const box = inkBox(out, 32);
  assert.deepEqual([box.right - box.left, box.bottom - box.top], [24, 24]);
});
