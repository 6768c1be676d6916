/**
 * Live training in the playground page, in headless Chromium against the
 * real `convkit playground`: a short run (a few thousand images) moves the
 * curves several times an epoch and ends with 'done' and the comparison; a
 * second tab sees a running job instead of starting another; Stop stops it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkip, launchChromium, type LaunchedBrowser } from './launch-chromium.js';
import { startPlayground, type RunningPlayground } from './start-playground.js';
import { screenshotPath } from './screenshots.js';
import { drawDigit } from './draw-strokes.js';

async function trainStatus(page: Page): Promise<string> {
  return page.getByTestId('train-status').innerText();
}

async function curvePoints(page: Page): Promise<number> {
  return Number((await page.getByTestId('curves').getAttribute('data-points')) ?? 0);
}

/** Polls until `ready` holds; on a timeout the error says the status and point count it last saw. */
async function waitUntil(page: Page, what: string, ready: (status: string, points: number) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status = '';
  let points = 0;
  while (Date.now() < deadline) {
    status = await trainStatus(page);
    points = await curvePoints(page);
    if (ready(status, points)) return;
    await page.waitForTimeout(200);
  }
  assert.fail(`waited ${timeoutMs / 1000} s for ${what}; last status "${status}", ${points} curve points`);
}

describe('playground page: training', { skip: browserSkip() }, () => {
  let playground: RunningPlayground;
  let browser: LaunchedBrowser;
  let page: Page;

  before(async () => {
    playground = await startPlayground();
    browser = await launchChromium({ onlyOrigin: playground.origin });
    page = await browser.newPage();
    await page.goto(playground.url);
    await page.getByTestId('train-start').waitFor();
    await page.waitForFunction(() => /idle/.test(document.querySelector('[data-testid=train-status]')?.textContent ?? ''));
  });

  after(async () => {
    await browser?.close();
    await playground?.stop();
  });

  it('a short run of both models moves the curves several times an epoch and ends with done and the comparison', async () => {
    await page.locator('input[data-model=dense]').check();
    await page.locator('input[data-field=epochs]').fill('2');
    await page.locator('input[data-field=trainLimit]').fill('3000');
    await page.getByTestId('train-start').click();
    // Sample the page while it trains: the curves must grow before the run ends, not only at its end.
    const seen: Array<{ status: string; points: number }> = [];
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const sample = { status: await trainStatus(page), points: await curvePoints(page) };
      seen.push(sample);
      if (/done|error|stopped/.test(sample.status)) break;
      await page.waitForTimeout(150);
    }
    const final = seen[seen.length - 1];
    assert.match(final.status, /done/, `the run ends with done; last samples: ${JSON.stringify(seen.slice(-3))}`);
    const whileRunning = seen.filter((s) => /running/.test(s.status)).map((s) => s.points);
    assert.ok(whileRunning.some((p) => p > 0), `curves had points while running: ${JSON.stringify(whileRunning)}`);
    // 2 models x 2 epochs give 4 epoch ends; progress points come several times an epoch on top of them.
    const points = await curvePoints(page);
    assert.ok(points >= 12, `several points an epoch: ${points}`);
    assert.equal(await page.getByTestId('curves').locator('canvas').count(), 1, 'uPlot drew the chart');
    const comparison = await page.getByTestId('comparison').innerText();
    assert.match(comparison, /cnn/);
    assert.match(comparison, /dense/);
    assert.match(await page.getByTestId('cost-of-errors').innerText(), /saves [\d,.]+ a day/);
    await page.getByTestId('confusion-matrix').waitFor({ timeout: 30_000 });
    await page.locator('#train').screenshot({ path: screenshotPath('playground-train') });
    assert.deepEqual(browser.errors, []);
  });

  it('a second tab sees the running job, a drawing is answered while it runs, and Stop stops it', async (t) => {
    await page.locator('input[data-model=dense]').uncheck();
    for (const field of ['epochs', 'trainLimit']) await page.locator(`input[data-field=${field}]`).fill('');
    await page.getByTestId('train-start').click();
    // Bounded waits, generous for a loaded machine: the worker first reads all of MNIST.
    await waitUntil(page, 'the first progress point of the second run', (status, points) => /running/.test(status) && points > 0, 180_000);

    const second = await browser.context.newPage();
    await second.goto(playground.url);
    await waitUntil(second, 'the second tab to see the running job', (status) => /running/.test(status), 60_000);
    assert.equal(await second.getByTestId('train-start').isDisabled(), true, 'the second tab cannot start another job');
    await second.close();

    // The server answers drawings while its worker trains.
    await drawDigit(page, 1);
    const time = page.getByTestId('prediction-time');
    await time.and(page.locator('[data-round-trip-ms]')).waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('prediction').innerText(), /^[0-9]$/);
    assert.match(await trainStatus(page), /running/, 'the job was still running when the drawing was answered');
    t.diagnostic(`drawing answered during training: ${await time.getAttribute('data-round-trip-ms')} ms round trip in the page, ${await time.getAttribute('data-model-ms')} ms in the model (a measurement, not a check)`);

    await page.getByTestId('train-stop').click();
    await waitUntil(page, 'the run to stop', (status) => /stopped/.test(status), 60_000);
    const pointsAtStop = await curvePoints(page);
    await page.waitForTimeout(1500);
    assert.equal(await curvePoints(page), pointsAtStop, 'no progress arrives after the stop');
    assert.equal(await page.getByTestId('train-start').isDisabled(), false, 'a new run can be started');
    assert.deepEqual(browser.errors, []);
  });
});
