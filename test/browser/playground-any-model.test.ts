/**
 * `convkit playground --model-file` with a model that is not the lab's: a
 * 20x20 input, 'same' padding, three classes, its own layer names. The page
 * must show that model's input size, layers and classes, name its feature
 * maps after its layers, and outline the fields its geometry gives (a
 * 'same'-padded corner unit reaches past the input's edge and is clipped).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserSkip, launchChromium, type LaunchedBrowser } from './launch-chromium.js';
import { startPlayground, type RunningPlayground } from './start-playground.js';
import { drawDigit } from './draw-strokes.js';
import { Sequential } from '../../src/model/sequential.js';
import * as layers from '../../src/layers/index.js';
import { saveModel } from '../../src/io/model-file.js';

describe('playground page with a model that is not the lab CNN', { skip: browserSkip() }, () => {
  let dir = '';
  let playground: RunningPlayground;
  let browser: LaunchedBrowser;
  let page: Page;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'convkit-page-any-'));
    const model = new Sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [20, 20, 1], name: 'edges' }),
      layers.maxPooling2d({ poolSize: 2, name: 'shrink' }),
      layers.flatten({ name: 'flat' }),
      layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ], { name: 'tiny', seed: 3, backend: 'reference' });
    await saveModel(model, join(dir, 'tiny.safetensors'));
    playground = await startPlayground(['--model-file', join(dir, 'tiny.safetensors')]);
    browser = await launchChromium({ onlyOrigin: playground.origin });
    page = await browser.newPage();
    await page.goto(playground.url);
    await page.getByTestId('draw-canvas').waitFor();
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows its input size, its layers and its three classes, and names the maps after its layers', async () => {
    await page.waitForFunction(() => /20×20×1/.test(document.querySelector('[data-testid=model-summary]')?.textContent ?? ''));
    const summary = await page.getByTestId('model-summary').innerText();
    for (const name of ['edges', 'shrink', 'flat', 'out']) assert.ok(summary.includes(name), `summary names ${name}: ${summary}`);
    await drawDigit(page, 1);
    await page.getByTestId('feature-map-shrink').waitFor();
    assert.equal(await page.getByTestId('probabilities').locator('.bar-row').count(), 3);
    assert.match(await page.getByTestId('prediction').innerText(), /^[0-2]$/);
    const maps = await page.locator('[data-testid^=feature-map-]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid));
    assert.deepEqual(maps, ['feature-map-edges', 'feature-map-shrink']);
    assert.deepEqual(browser.errors, []);
  });

  it("a 'same'-padded corner unit's 3x3 field starts one pixel outside the input and is drawn clipped to 2x2", async () => {
    const map = page.getByTestId('feature-map-edges').locator('canvas.map').first();
    await map.click({ position: { x: 1, y: 1 } });
    const outline = page.getByTestId('receptive-field');
    await outline.waitFor();
    assert.deepEqual([await outline.getAttribute('data-size'), await outline.getAttribute('data-top'), await outline.getAttribute('data-left')], ['3', '-1', '-1']);
    const box = await outline.boundingBox();
    const input = await page.locator('#features .input-view').boundingBox();
    assert.ok(box && input);
    assert.ok(Math.abs((box.width / input.width) * 20 - 2) < 0.5, `the clipped outline spans 2 of 20 pixels: ${box.width}px of ${input.width}px`);
  });
});
