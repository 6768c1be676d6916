/**
 * The file `convkit report` writes, opened from file:// in headless Chromium
 * with every network request blocked and counted: it loads with no console
 * errors, and digits drawn with the mouse are classified right by the model
 * running in the page (convkit's own TypeScript on the reference backend).
 * Prints the in-browser answer time of a drawing (prediction and every
 * activation map); a screenshot of the report goes to screenshots/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { CLI } from '../bounded-child.js';
import { browserSkip, launchChromium, type LaunchedBrowser } from './launch-chromium.js';
import { trainedModelFile } from './trained-model-file.js';
import { drawDigit } from './draw-strokes.js';
import { screenshotPath } from './screenshots.js';

describe('the report file, offline in a browser', { skip: browserSkip() }, () => {
  let modelFile = '';
  let browser: LaunchedBrowser;
  let page: Page;
  const requests: string[] = [];
  const answersMs: number[] = [];

  before(async () => {
    modelFile = await trainedModelFile();
    const dir = dirname(modelFile);
    writeFileSync(join(dir, 'run.csv'), 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.82,0.61,0.93,0.24\n1,0.95,0.17,0.96,0.13\n');
    const report = join(dir, 'report.html');
    const made = spawnSync(process.execPath, [CLI, 'report', '--model-file', modelFile, '--history', join(dir, 'run.csv'), '--test-limit', '2000', '--out', report], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(made.status, 0, made.stderr);
    // onlyOrigin '' aborts every request that is not file:// or data:, and records it in browser.errors.
    browser = await launchChromium({ onlyOrigin: '' });
    browser.context.on('request', (request) => requests.push(request.url()));
    page = await browser.newPage();
    await page.goto(pathToFileURL(report).href);
    await page.getByTestId('draw-canvas').waitFor();
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    if (modelFile) rmSync(dirname(modelFile), { recursive: true, force: true });
  });

  it('loads from file:// with no network request attempted and no console error, showing the model, curves and confusion matrix', async () => {
    const summary = await page.getByTestId('model-summary').innerText();
    for (const text of ['28×28×1', 'conv2d', 'max_pooling2d_1', '225,034']) assert.ok(summary.includes(text), `summary shows ${text}: ${summary}`);
    await page.getByTestId('curves').waitFor();
    assert.equal(await page.getByTestId('train-start').count(), 0, 'the report has no Train part');
    assert.deepEqual(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')), []);
    assert.deepEqual(browser.errors, []);
  });

  for (const digit of [0, 1, 7]) {
    it(`mouse strokes of a ${digit} are classified as ${digit} in the page, with every conv/pool layer's maps`, async (t) => {
      await page.getByTestId('draw-clear').click();
      await drawDigit(page, digit);
      await page.waitForFunction((d) => document.querySelector('[data-testid=prediction]')?.textContent === String(d), digit, { timeout: 10_000 })
        .catch(() => undefined);
      const bars = await page.getByTestId('probabilities').innerText();
      assert.equal(await page.getByTestId('prediction').innerText(), String(digit), `prediction for a drawn ${digit}; probabilities:\n${bars}`);
      const maps = await page.locator('[data-testid^=feature-map-]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.testid));
      assert.deepEqual(maps, ['feature-map-conv2d', 'feature-map-max_pooling2d', 'feature-map-conv2d_1', 'feature-map-max_pooling2d_1']);
      // The page shows each answer's time: decodeModel's model through layerOutputs, in this browser.
      const note = await page.locator('[data-testid=prediction] + *').innerText();
      const ms = Number(/answered in ([\d.]+) ms/.exec(note)?.[1]);
      assert.ok(ms >= 0, `the page states the answer time: ${note}`);
      answersMs.push(ms);
      t.diagnostic(`report: a drawn ${digit} answered in ${ms} ms (prediction + all activations, reference backend in Chromium)`);
    });
  }

  it('clicking a confusion-matrix cell shows the test images embedded for it, at most 12', async () => {
    const cells = page.getByTestId('confusion-matrix').locator('td.off');
    const counts = await cells.evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
    const most = Math.max(...counts);
    assert.ok(most > 0, 'the model makes some errors on 2000 test images');
    await cells.nth(counts.indexOf(most)).click();
    await page.getByTestId('confusion-examples').waitFor();
    assert.equal(await page.getByTestId('confusion-examples').locator('figure').count(), Math.min(12, most));
  });

  it('still attempted no network request after the drawings; screenshot saved', async (t) => {
    // The whole page in one viewport, scrolled to the top: a fullPage shot of a taller page would stitch the sticky header in mid-page.
    const height = await page.evaluate(() => { window.scrollTo(0, 0); return document.documentElement.scrollHeight; });
    await page.setViewportSize({ width: 1280, height });
    await page.screenshot({ path: screenshotPath('report') });
    assert.deepEqual(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:')), []);
    assert.deepEqual(browser.errors, []);
    const sorted = [...answersMs].sort((a, b) => a - b);
    t.diagnostic(`report answer times (ms): ${answersMs.join(', ')}; median ${sorted[Math.floor(sorted.length / 2)]}`);
  });
});
