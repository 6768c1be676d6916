/**
 * `convkit report`'s file, built from a real model file, a CSVLogger log, the
 * MNIST test set and the page's built script (dist/web): the data read back
 * from the HTML is what the page needs, and nothing in the file names a URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, EXAMPLES_PER_CELL, writeReport } from '../../../../src/apps/playground/report/build-report.js';
import { REPORT_DATA_ID, type ReportData } from '../../../../src/apps/playground/report/report-data.js';
import { Sequential, Tensor, layers } from '../../../../src/index.js';
import { decodeModel } from '../../../../src/io/model-codec.js';
import { saveModel } from '../../../../src/io/model-file.js';
import { loadMnist } from '../../../../src/data/mnist.js';
import { labCnnLayers } from '../../../model/small-models.js';

const TEST_IMAGES = 300;

async function savedCnn(dir: string): Promise<{ path: string; model: Sequential }> {
  const model = new Sequential(labCnnLayers([28, 28, 1]), { backend: 'reference', seed: 5, name: 'lab_cnn' });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  // One small step, so the file carries Adam's slots, which the report leaves out.
  const data = await loadMnist({ trainLimit: 64, testLimit: 1 });
  await model.fit(new Tensor(data.train.images, [64, 28, 28, 1]), data.train.labels, { epochs: 1, batchSize: 64, verbose: 0 });
  const path = join(dir, 'cnn.safetensors');
  await saveModel(model, path);
  return { path, model };
}

function embeddedData(html: string): ReportData {
  const match = new RegExp(`<script type="application/json" id="${REPORT_DATA_ID}">([^<]*)</script>`).exec(html);
  assert.ok(match, 'the report holds its data element');
  return JSON.parse(match[1]) as ReportData;
}

test('the report embeds the model (without optimizer state), its view, the curves and the test-set confusion with a few images per cell', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-report-'));
  try {
    const { path, model } = await savedCnn(dir);
    await writeFile(join(dir, 'run.csv'), 'epoch,accuracy,loss\n0,0.5,1.2\n1,0.7,0.8\n');
    const report = await buildReport({ modelFile: path, history: join(dir, 'run.csv'), testLimit: TEST_IMAGES, backend: 'reference' });
    const data = embeddedData(report.html);
    assert.deepEqual(data, JSON.parse(JSON.stringify(report.data)));
    assert.equal(data.title, 'lab_cnn (cnn.safetensors)');
    assert.deepEqual(data.view.layers.map((l) => l.receptiveField.size).slice(0, 4), [3, 4, 8, 10]);
    assert.deepEqual(data.history.map((p) => [p.model, p.epoch, p.accuracy]), [['lab_cnn', 1, 0.5], ['lab_cnn', 2, 0.7]]);

    const embedded = decodeModel(Buffer.from(data.model, 'base64'), { backend: 'reference' });
    assert.equal(embedded.metadata.get('optimizer_iterations'), undefined, 'no optimizer state');
    const image = new Tensor(Float32Array.from({ length: 784 }, (_, i) => (i % 13) / 13), [1, 28, 28, 1]);
    assert.deepEqual([...(await embedded.model.predict(image)).data], [...(await model.predict(image)).data]);

    const matrix = data.confusion!.matrix;
    assert.equal(data.testImages, TEST_IMAGES);
    assert.equal(matrix.flat().reduce((a, b) => a + b, 0), TEST_IMAGES);
    let images = 0;
    matrix.forEach((row, actual) => row.forEach((count, predicted) => {
      const examples = data.examples[`${actual},${predicted}`] ?? [];
      assert.equal(examples.length, Math.min(count, EXAMPLES_PER_CELL), `cell ${actual},${predicted}`);
      images += examples.length;
    }));
    const first = Object.values(data.examples)[0][0];
    assert.equal(Buffer.from(first.pixels, 'base64').length, 784);
    assert.equal(first.probabilities.length, 10);
    assert.ok(report.notes.some((n) => n.includes(`${images} example images (at most ${EXAMPLES_PER_CELL} per cell)`)), report.notes.join('\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('no URL anywhere in the report file: no http(s), ws or protocol-relative address, no @import or url() in its styles', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-report-'));
  try {
    const { path } = await savedCnn(dir);
    const { html } = await buildReport({ modelFile: path, testLimit: 50, backend: 'reference' });
    assert.doesNotMatch(html, /\b(https?|wss?|ftp):\/\//i);
    assert.doesNotMatch(html, /(src|href|action)\s*=\s*["']?\/\//i);
    assert.doesNotMatch(html, /@import|url\(\s*["']?(?!data:)/i);
    assert.doesNotMatch(html, /<link\b/i);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a model that does not read the test images gets a report without a confusion matrix, saying why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-report-'));
  try {
    const model = new Sequential([layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [8, 8, 1] }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })], { backend: 'reference', seed: 1 });
    await saveModel(model, join(dir, 'small.safetensors'));
    const report = await buildReport({ modelFile: join(dir, 'small.safetensors'), testLimit: 20, backend: 'reference' });
    assert.equal(report.data.confusion, null);
    assert.deepEqual(report.data.view.inputShape, [8, 8, 1]);
    assert.match(report.notes.join('\n'), /No confusion matrix: the model takes \[8, 8, 1\] with 3 outputs; the test set has 28x28x1 images/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a bad history file stops the report before anything is written: the old file stays whole and no temporary is left', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-report-'));
  try {
    const { path } = await savedCnn(dir);
    const out = join(dir, 'report.html');
    await writeFile(out, 'the previous report');
    await writeFile(join(dir, 'run.csv'), 'epoch,loss\n0,oops\n');
    await assert.rejects(writeReport(out, { modelFile: path, history: join(dir, 'run.csv'), testLimit: 20, backend: 'reference' }), /run\.csv line 2: expected a number or NA for loss; received "oops"/);
    assert.equal(await readFile(out, 'utf8'), 'the previous report');
    await assert.rejects(writeReport(out, { modelFile: path, testLimit: 20, backend: 'reference', webDir: join(dir, 'no-such-folder') }), /needs the page's built files in .*no-such-folder; (report\.js|page\.css|uplot\.css) is missing .*Run npm run build/); // the assets are read in parallel: whichever is found missing first is named
    assert.deepEqual((await readdir(dir)).sort(), ['cnn.safetensors', 'report.html', 'run.csv']);
    const written = await writeReport(out, { modelFile: path, testLimit: 20, backend: 'reference' });
    assert.equal((await readFile(out)).length, written.bytes);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
