/**
 * The playground page in headless Chromium against the real
 * `convkit playground --model-file` (a lab CNN trained in the setup): it
 * loads without console errors, reads digits drawn with the mouse, outlines
 * receptive fields of the sizes the model gives, and opens the images of a
 * confusion-matrix cell. Screenshots of each part go to screenshots/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { browserSkip, launchChromium, type LaunchedBrowser } from './launch-chromium.js';
import { startPlayground, type RunningPlayground } from './start-playground.js';
import { trainedModelFile } from './trained-model-file.js';
import { drawDigit, drawDigitByTouch } from './draw-strokes.js';
import { screenshotPath } from './screenshots.js';

describe('playground page with a trained --model-file', { skip: browserSkip() }, () => {
  let modelFile = '';
  let playground: RunningPlayground;
  let browser: LaunchedBrowser;
  let page: Page;

  before(async () => {
    modelFile = await trainedModelFile();
    playground = await startPlayground(['--model-file', modelFile]);
    browser = await launchChromium({ onlyOrigin: playground.origin });
    page = await browser.newPage();
    await page.goto(playground.url);
    await page.getByTestId('draw-canvas').waitFor();
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    if (modelFile) rmSync(dirname(modelFile), { recursive: true, force: true });
  });

  it('loads with no console errors and shows the model\'s own layers and input size', async () => {
    const summary = await page.getByTestId('model-summary').innerText();
    for (const text of ['28×28×1', 'conv2d', 'max_pooling2d_1', '225,034']) assert.ok(summary.includes(text), `summary shows ${text}: ${summary}`);
    assert.deepEqual(browser.errors, []);
    await page.screenshot({ path: screenshotPath('playground-loaded') });
  });

  for (const digit of [0, 1, 7]) {
    it(`mouse strokes of a ${digit} are classified as ${digit}, with probabilities and every conv/pool layer's maps`, async (t) => {
      await page.getByTestId('draw-clear').click();
      await drawDigit(page, digit);
      await page.waitForFunction((d) => document.querySelector('[data-testid=prediction]')?.textContent === String(d), digit, { timeout: 10_000 })
        .catch(() => undefined);
      const predicted = await page.getByTestId('prediction').innerText();
      const bars = await page.getByTestId('probabilities').innerText();
      assert.equal(predicted, String(digit), `prediction for a drawn ${digit}; probabilities:\n${bars}`);
      assert.match(bars, /%/);
      const time = page.getByTestId('prediction-time');
      t.diagnostic(`last answer while drawing: ${await time.getAttribute('data-round-trip-ms')} ms round trip in the page, ${await time.getAttribute('data-model-ms')} ms in the model (a measurement, not a check)`);
      const maps = await page.locator('[data-testid^=feature-map-]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid));
      assert.deepEqual(maps, ['feature-map-conv2d', 'feature-map-max_pooling2d', 'feature-map-conv2d_1', 'feature-map-max_pooling2d_1']);
      if (digit === 7) await page.locator('#draw').screenshot({ path: screenshotPath('playground-draw') });
    });
  }

  it('a 7 drawn with a finger (touch events, a touch-screen page) is classified as 7', async () => {
    const touch = await launchChromium({ onlyOrigin: playground.origin, hasTouch: true, viewport: { width: 820, height: 1180 } });
    try {
      const tablet = await touch.newPage();
      await tablet.goto(playground.url);
      await tablet.getByTestId('draw-canvas').waitFor();
      await drawDigitByTouch(tablet, 7);
      await tablet.waitForFunction(() => document.querySelector('[data-testid=prediction]')?.textContent === '7', undefined, { timeout: 10_000 })
        .catch(() => undefined);
      assert.equal(await tablet.getByTestId('prediction').innerText(), '7', await tablet.getByTestId('probabilities').innerText());
      assert.deepEqual(touch.errors, []);
    } finally {
      await touch.close();
    }
  });

  it('clicking a unit of each conv/pool layer outlines a receptive field of 3, 4, 8 and 10 input pixels', async () => {
    const sizes: number[] = [];
    for (const layer of ['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1']) {
      const map = page.getByTestId(`feature-map-${layer}`).locator('canvas.map').nth(0);
      const box = await map.boundingBox();
      assert.ok(box, `a map of ${layer} is visible`);
      // A unit near the middle, so the outline is not clipped by the input's edge.
      await map.click({ position: { x: box.width * 0.45, y: box.height * 0.45 } });
      const outline = page.getByTestId('receptive-field');
      await outline.waitFor();
      const size = Number(await outline.getAttribute('data-size'));
      const outlineBox = await outline.boundingBox();
      const inputBox = await page.locator('#features .input-view').boundingBox();
      assert.ok(outlineBox && inputBox);
      // The drawn outline spans `size` of the 28 input pixels (borders included in the box).
      assert.ok(Math.abs((outlineBox.width / inputBox.width) * 28 - size) < 0.5, `${layer}: outline ${outlineBox.width}px of ${inputBox.width}px should span ${size} pixels`);
      sizes.push(size);
      if (layer === 'conv2d_1') {
        // Tall enough for the whole section: an element screenshot is cut at the viewport's edge.
        await page.setViewportSize({ width: 1280, height: 1400 });
        await page.locator('#features').screenshot({ path: screenshotPath('playground-features') });
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    }
    assert.deepEqual(sizes, [3, 4, 8, 10]);
  });

  it('clicking a confusion-matrix cell shows its test images with their probabilities', async () => {
    // The most frequent confusion: the cell a person would look at first.
    const cells = page.getByTestId('confusion-matrix').locator('td.off');
    const counts = await cells.evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
    assert.ok(counts.length > 0, 'the trained model makes some errors on the test set');
    const cell = cells.nth(counts.indexOf(Math.max(...counts)));
    const [actual, predicted] = [await cell.getAttribute('data-actual'), await cell.getAttribute('data-predicted')];
    await cell.click();
    await page.getByTestId('confusion-examples').waitFor();
    const cards = page.getByTestId('confusion-examples').locator('figure');
    assert.equal(await cards.count(), Math.min(40, Math.max(...counts)), 'every image of the cell, up to 40');
    assert.match(await page.getByTestId('confusion-examples').locator('..').innerText(), new RegExp(`True ${actual}, predicted ${predicted}`));
    assert.match(await cards.first().innerText(), /%/);
    await page.locator('#errors').screenshot({ path: screenshotPath('playground-errors') });
    await page.locator('#kernels').screenshot({ path: screenshotPath('playground-kernels') });
    assert.deepEqual(browser.errors, []);
  });

  it('a file dropped without --malware-model says how to start the playground with one (last: the 404 is logged by the browser)', async () => {
    await page.locator('#malware input[type=file]').setInputFiles({ name: 'sample.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4096, 7) });
    await page.getByTestId('malware-result').getByText('--malware-model').waitFor({ timeout: 10_000 });
    await page.locator('#malware').screenshot({ path: screenshotPath('playground-malware-no-model') });
  });
});
