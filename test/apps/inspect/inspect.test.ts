/**
 * convkit inspect: the grid drawing and its normalisation on tiny known
 * inputs (exact pixels), kernel planes and per-layer outputs of a tiny model
 * against values worked out by hand, and the command run as a user runs it on
 * a model trained for one quick epoch: the files, their pixels, the report
 * and every error message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';
import { Sequential, Tensor, layers, saveModel } from '../../../src/index.js';
import { loadMnist } from '../../../src/data/mnist.js';
import { loadModel } from '../../../src/io/model-file.js';
import { channelPlanes } from '../../../src/apps/inspect/feature-maps.js';
import { layerOutputs } from '../../../src/model/layer-outputs.js';
import { filterPlanes } from '../../../src/apps/inspect/filters.js';
import { divergingColours, drawGrid, fixedGreyLevels, gridColumns, greyLevels, greyToRgb, scaleFor } from '../../../src/apps/inspect/image-grid.js';
import { imageShapeOf, topK } from '../../../src/apps/inspect/inspect.js';
import type { Conv2D } from '../../../src/layers/conv2d.js';

const cli = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));

function run(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readPng(bytes: Buffer): { width: number; height: number; rgba: Buffer } {
  const png = pngjs.PNG.sync.read(bytes);
  return { width: png.width, height: png.height, rgba: png.data };
}

function pngOf(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const png = new pngjs.PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      [png.data[i], png.data[i + 1], png.data[i + 2]] = rgb(x, y);
      png.data[i + 3] = 255;
    }
  }
  return pngjs.PNG.sync.write(png);
}

test('grid layout: columns, upscale factors and normalisation give exact levels', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 10, 32, 64].map(gridColumns), [1, 2, 2, 2, 4, 4, 8, 8]);
  assert.deepEqual([26, 13, 11, 5, 28, 200].map((s) => scaleFor(s, 96)), [4, 8, 9, 20, 4, 1]);
  assert.deepEqual([...greyLevels([0, 2, 4])], [0, 128, 255]);
  assert.deepEqual([...greyLevels([-1, -3, 1])], [128, 0, 255]);
  assert.deepEqual([...greyLevels([0.5, 0.5])], [0, 0], 'a constant map is black');
  assert.deepEqual([...fixedGreyLevels([0, 0.5, 1, 1.5, -1])], [0, 128, 255, 255, 0]);
  // Symmetric by the largest |w|: zero is white, + red, - blue.
  assert.deepEqual([...divergingColours([-2, 0, 1, 2])], [0, 0, 255, 255, 255, 255, 255, 128, 128, 255, 0, 0]);
  assert.deepEqual([...divergingColours([0, 0])], [255, 255, 255, 255, 255, 255]);
  assert.deepEqual([...greyToRgb(Uint8Array.of(7, 200))], [7, 7, 7, 200, 200, 200]);
});

test('drawGrid upscales each value to a scale x scale block and leaves gaps in the background colour', () => {
  // Three 1x2 tiles, two per row: rows of 1 * 2 + 1 gap, columns of 2 * 2 + 1.
  const tiles = [greyToRgb(Uint8Array.of(10, 20)), greyToRgb(Uint8Array.of(30, 40)), greyToRgb(Uint8Array.of(50, 60))];
  const image = drawGrid(tiles, 1, 2, { scale: 2, gap: 1, background: [1, 2, 3] });
  assert.equal(image.width, 1 + 2 * (4 + 1));
  assert.equal(image.height, 1 + 2 * (2 + 1));
  const grey = (x: number, y: number): string => {
    const i = 3 * (y * image.width + x);
    const [r, g, b] = image.data.subarray(i, i + 3);
    return r === 1 && g === 2 && b === 3 ? '.' : r === g && g === b ? String(r) : `?${r},${g},${b}`;
  };
  const rows = Array.from({ length: image.height }, (_, y) => Array.from({ length: image.width }, (_, x) => grey(x, y)).join(' '));
  assert.deepEqual(rows, [
    '. . . . . . . . . . .',
    '. 10 10 20 20 . 30 30 40 40 .',
    '. 10 10 20 20 . 30 30 40 40 .',
    '. . . . . . . . . . .',
    '. 50 50 60 60 . . . . . .',
    '. 50 50 60 60 . . . . . .',
    '. . . . . . . . . . .',
  ]);
  assert.throws(() => drawGrid([Uint8Array.of(1, 2)], 1, 1, { scale: 1, gap: 0, background: [0, 0, 0] }), /tile 0 has 2 bytes; a 1x1 RGB tile has 3/);
});

/** 5x5x1 -> Conv2D(2 filters 3x3, relu) -> MaxPooling2D(2) -> Flatten -> Dense(3, softmax), with known weights. */
function tinyModel(): Sequential {
  const model = new Sequential(
    [layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [5, 5, 1] }), layers.maxPooling2d({ poolSize: 2 }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })],
    { backend: 'reference', seed: 3 },
  );
  // kernel [3, 3, 1, 2]: filter 0 is the centre tap (identity), filter 1 a vertical edge (right column - left column).
  const kernel = new Float32Array(18);
  kernel[(1 * 3 + 1) * 2 + 0] = 1;
  for (let r = 0; r < 3; r++) {
    kernel[(r * 3 + 0) * 2 + 1] = -1;
    kernel[(r * 3 + 2) * 2 + 1] = 1;
  }
  const dense = Float32Array.from({ length: 2 * 3 }, (_, i) => (i % 4) * 0.25 - 0.3);
  model.setWeights([new Tensor(kernel, [3, 3, 1, 2]), new Tensor(Float32Array.of(0, -1), [2]), new Tensor(dense, [2, 3]), new Tensor(Float32Array.of(0.1, 0, -0.1), [3])]);
  return model;
}

test('filter planes: a one-channel kernel exactly, a multi-channel one as the mean over input channels', () => {
  const model = tinyModel();
  const one = filterPlanes(model.layers[0] as Conv2D);
  assert.equal(one.averaged, false);
  assert.deepEqual([...one.planes[0]], [0, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.deepEqual([...one.planes[1]], [-1, 0, 1, -1, 0, 1, -1, 0, 1]);

  const deep = new Sequential([layers.conv2d({ filters: 2, kernelSize: [1, 2], inputShape: [3, 3, 3] })], { backend: 'reference', seed: 1 });
  // kernel [1, 2, 3, 2]: value = 10 * position + channel, minus 5 for filter 1.
  const kernel = Float32Array.from({ length: 12 }, (_, i) => {
    const f = i % 2;
    const c = Math.floor(i / 2) % 3;
    const p = Math.floor(i / 6);
    return 10 * p + c - 5 * f;
  });
  deep.setWeights([new Tensor(kernel, [1, 2, 3, 2]), new Tensor(new Float32Array(2), [2])]);
  const planes = filterPlanes(deep.layers[0] as Conv2D);
  assert.equal(planes.averaged, true);
  assert.equal(planes.inputChannels, 3);
  assert.deepEqual([...planes.planes[0]], [1, 11]); // mean of 0, 1, 2 and of 10, 11, 12
  assert.deepEqual([...planes.planes[1]], [-4, 6]);
});

test('feature maps of a tiny model equal its layer outputs, worked out by hand, and are copies', async () => {
  const model = tinyModel();
  // A vertical bar in column 2 of a 5x5 image, brightness 1 .. 5 by row.
  const image = new Float32Array(25);
  for (let r = 0; r < 5; r++) image[r * 5 + 2] = r + 1;
  const outputs = layerOutputs(model, image);
  assert.deepEqual(outputs.map((o) => o.shape), [[3, 3, 2], [1, 1, 2], [2], [3]]);
  const [conv, pool, flat, dense] = outputs;
  const maps = channelPlanes(conv.data, conv.shape);
  // Filter 0 (centre tap): the 3x3 centre of the image; only column 2 is lit -> output column 1.
  assert.deepEqual([...maps[0]], [0, 2, 0, 0, 3, 0, 0, 4, 0]);
  // Filter 1 (right - left) - 1, relu: left of the bar sees +sum of 3 rows, right sees -sum.
  assert.deepEqual([...maps[1]], [5, 0, 0, 8, 0, 0, 11, 0, 0]);
  assert.deepEqual([...pool.data], [3, 8]); // max over the top-left 2x2 window of each map (rows 0-1, columns 0-1)
  assert.deepEqual([...flat.data], [3, 8]);
  const logits = [0, 1, 2].map((j) => 3 * (((j % 4) * 0.25) - 0.3) + 8 * ((((3 + j) % 4) * 0.25) - 0.3) + [0.1, 0, -0.1][j]);
  const exp = logits.map((v) => Math.exp(v - Math.max(...logits)));
  const expected = exp.map((v) => v / exp.reduce((a, b) => a + b, 0));
  [...dense.data].forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-6, `softmax ${j}: ${v} vs ${expected[j]}`));
  assert.deepEqual([...dense.data], [...(await model.predict(new Tensor(image, [1, 5, 5, 1]))).data]);
  assert.deepEqual(topK(dense.data, 2).map((t) => t.index), [0, 2]); // logits 2.8, -2.55, 0.1

  // A second run reuses the layers' buffers; the first run's copies must not change.
  layerOutputs(model, new Float32Array(25));
  assert.deepEqual([...pool.data], [3, 8]);
  assert.notEqual(flat.data, pool.data, 'Flatten returns its input buffer; inspect keeps a copy');
  assert.throws(() => layerOutputs(model, new Float32Array(24)), /expects one input of shape \[5, 5, 1\] \(25 values\); received 24 values/);
  const colour = new Sequential([layers.flatten({ inputShape: [4, 4, 3] }), layers.dense({ units: 2 })], { backend: 'reference', seed: 1 });
  assert.throws(() => imageShapeOf(colour), /model must take input of shape \[height, width, 1\]; this model takes \[4, 4, 3\]/);
});

test('convkit inspect writes the kernels, the input and the feature maps of a trained CNN, and reports them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-inspect-'));
  try {
    const trained = run(dir, 'train', '--train-limit', '500', '--test-limit', '100', '--epochs', '1', '--verbose', '0', '--save', 'm.safetensors');
    assert.equal(trained.status, 0, trained.stderr);
    const inspected = run(dir, 'inspect', '--model-file', 'm.safetensors', '--image', '3', '--out', 'out/deep', '--backend', 'reference');
    assert.equal(inspected.status, 0, inspected.stderr);
    const files = ['input.png', 'filters-conv2d.png', 'feature-maps-conv2d.png', 'feature-maps-max_pooling2d.png', 'filters-conv2d_1.png', 'feature-maps-conv2d_1.png', 'feature-maps-max_pooling2d_1.png'];
    assert.deepEqual((await readdir(join(dir, 'out/deep'))).sort(), [...files].sort(), 'no temporary files left behind');

    const mnist = await loadMnist({ trainLimit: 1, testLimit: 4 });
    const pixels = mnist.test.images.subarray(3 * 784, 4 * 784);
    const label = mnist.test.labels[3];
    const out = inspected.stdout;
    assert.match(out, /^Model cnn \(225,034 params\) from m\.safetensors\nImage: MNIST test image 3 from .* \(label 0\)\n/);
    assert.equal(label, 0);
    assert.match(out, /conv2d \(Conv2D\)  output 26x26x32\n  filters-conv2d\.png: 32 kernels 3x3, exact \(1 input channel\); 8x8 px per weight/);
    assert.match(out, /filters-conv2d_1\.png: 64 kernels 3x3, each the mean over its 32 input channels/);
    assert.match(out, /feature-maps-conv2d\.png: 32 maps 26x26 after relu, 4x upscaled/);
    assert.match(out, /each unit sees 3x3 input pixels \(jump 1\): edges and short strokes/);
    assert.match(out, /max_pooling2d_1 \(MaxPooling2D\)  output 5x5x64\n  feature-maps-max_pooling2d_1\.png: 64 maps 5x5 after max pooling, 20x upscaled.*\n  each unit sees 10x10 input pixels \(jump 4\): parts of a digit/);
    assert.match(out, /dense_1 \(Dense\)  output 10\n  no picture: every unit mixes all 28x28 input pixels/);
    assert.match(out, /Feature hierarchy \(receptive field on the input\): conv2d 3x3 -> max_pooling2d 4x4 -> conv2d_1 8x8 -> max_pooling2d_1 10x10/);

    // The report's prediction is the model's own.
    const model = await loadModel(join(dir, 'm.safetensors'), { backend: 'reference' });
    const probabilities = (await model.predict(new Tensor(Float32Array.from(pixels), [1, 28, 28, 1]))).data;
    const top = topK(probabilities, 3);
    const line = /Predicted class (\d) \(label 0: (right|wrong)\); top 3: (\d) ([\d.]+), (\d) ([\d.]+), (\d) ([\d.]+)/.exec(out);
    assert.ok(line, out);
    assert.equal(Number(line[1]), top[0].index);
    assert.deepEqual([3, 5, 7].map((i) => Number(line[i])), top.map((t) => t.index));
    assert.deepEqual([4, 6, 8].map((i) => line[i]), top.map((t) => t.probability.toFixed(4)));

    // input.png: the image's own grey levels, 8x8 pixels each.
    const input = readPng(await readFile(join(dir, 'out/deep/input.png')));
    assert.deepEqual([input.width, input.height], [224, 224]);
    for (let p = 0; p < 784; p++) {
      const at = 4 * ((Math.floor(p / 28) * 8 + 7) * 224 + (p % 28) * 8 + 3);
      assert.equal(input.rgba[at], Math.round(pixels[p] * 255), `input pixel ${p}`);
    }

    // feature-maps-conv2d.png: 8 x 4 tiles of 26 * 4 pixels, 2-pixel gaps; tile k shows channel k, min..max -> 0..255.
    const maps = readPng(await readFile(join(dir, 'out/deep/feature-maps-conv2d.png')));
    assert.deepEqual([maps.width, maps.height], [2 + 8 * 106, 2 + 4 * 106]);
    const conv = layerOutputs(model, pixels)[0];
    const planes = channelPlanes(conv.data, conv.shape);
    for (const k of [0, 13, 31]) {
      const levels = greyLevels(planes[k]);
      const left = 2 + (k % 8) * 106;
      const topY = 2 + Math.floor(k / 8) * 106;
      for (let p = 0; p < 26 * 26; p++) {
        const at = 4 * ((topY + Math.floor(p / 26) * 4 + 1) * maps.width + left + (p % 26) * 4 + 2);
        assert.equal(maps.rgba[at], levels[p], `channel ${k} unit ${p}`);
      }
    }
    assert.deepEqual([...maps.rgba.subarray(0, 3)], [40, 80, 160], 'gap colour');

    // filters-conv2d.png: 3x3 kernels, 8 pixels per weight; the largest |weight| of each tile is pure red or blue.
    const filters = readPng(await readFile(join(dir, 'out/deep/filters-conv2d.png')));
    assert.deepEqual([filters.width, filters.height], [2 + 8 * 26, 2 + 4 * 26]);
    const kernel0 = filterPlanes(model.layers[0] as Conv2D).planes[0];
    const colours = divergingColours(kernel0);
    for (let p = 0; p < 9; p++) {
      const at = 4 * ((2 + Math.floor(p / 3) * 8 + 4) * filters.width + 2 + (p % 3) * 8 + 4);
      assert.deepEqual([...filters.rgba.subarray(at, at + 3)], [...colours.subarray(3 * p, 3 * p + 3)], `weight ${p}`);
    }

    // The same image as a PNG gives the same input picture and the same report below the header.
    await writeFile(join(dir, 'seven.png'), pngOf(28, 28, (x, y) => {
      const v = Math.round(pixels[y * 28 + x] * 255);
      return [v, v, v];
    }));
    const fromPng = run(dir, 'inspect', '--model-file', 'm.safetensors', '--png', 'seven.png', '--out', 'png-out', '--backend', 'reference');
    assert.equal(fromPng.status, 0, fromPng.stderr);
    assert.deepEqual(await readFile(join(dir, 'png-out/input.png')), await readFile(join(dir, 'out/deep/input.png')));
    assert.match(fromPng.stdout, /^Model cnn .*\nImage: seven\.png\ninput\.png/);
    assert.equal(/Predicted class (\d)/.exec(fromPng.stdout)?.[1], String(top[0].index));

    // A colour, mostly light PNG: accepted as grey, with notes.
    await writeFile(join(dir, 'light.png'), pngOf(28, 28, (x) => (x < 14 ? [255, 255, 255] : [200, 40, 40])));
    const light = run(dir, 'inspect', '--model-file', 'm.safetensors', '--png', 'light.png', '--out', 'light-out', '--backend', 'reference');
    assert.equal(light.status, 0, light.stderr);
    assert.match(light.stdout, /Note: the PNG has colour; it was turned to grey \(BT\.601 luma\)\./);
    assert.match(light.stdout, /Note: the image is mostly light \(mean grey 0\.67\); MNIST digits are light on black/);
    const lightInput = readPng(await readFile(join(dir, 'light-out/input.png')));
    assert.deepEqual([lightInput.rgba[0], lightInput.rgba[4 * 223]], [255, Math.round(((0.299 * 200 + 0.587 * 40 + 0.114 * 40) / 255) * 255)]);

    // Errors: each says what was expected and what was received, with no stack trace.
    const fails = (args: string[], message: RegExp): void => {
      const result = run(dir, 'inspect', ...args);
      assert.equal(result.status, 1, `${args.join(' ')} should fail:\n${result.stdout}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    };
    fails(['--model-file', 'missing.safetensors', '--out', 'x'], /Cannot read --model-file missing\.safetensors: no such file\. Expected a model saved by 'convkit train --save m\.safetensors'/);
    fails(['--model-file', 'm.safetensors', '--out', 'x', '--image', '10000'], /--image 10000 is out of range: the test split in .* has 10,000 images, so --image takes 0 to 9999\./);
    fails(['--model-file', 'm.safetensors', '--out', 'x', '--image', '-1'], /--image expects an image index, an integer 0 or above; received '-1'\./);
    fails(['--model-file', 'm.safetensors', '--out', 'x', '--image', '2.5'], /--image expects an image index, an integer 0 or above; received '2\.5'\./);
    fails(['--model-file', 'm.safetensors', '--out', 'x', '--image', '1', '--png', 'seven.png'], /--image and --png are alternatives; give one of them\./);
    fails(['--model-file', 'm.safetensors'], /required option '--out <dir>' not specified/);
    await writeFile(join(dir, 'wide.png'), pngOf(32, 20, () => [0, 0, 0]));
    fails(['--model-file', 'm.safetensors', '--out', 'x', '--png', 'wide.png'], /--png wide\.png is 32x20 pixels; the model takes 28x28 greyscale images .* inspect does not resize: scale and centre the digit to that size first\./);
    // A file of another known kind is named; one of no known kind gets the PNG reader's own reason.
    fails(['--model-file', 'm.safetensors', '--out', 'x', '--png', 'm.safetensors'], /--png m\.safetensors is a safetensors file \(a convkit model\), not a 28x28 greyscale PNG: read it with loadModel\(\)/);
    await writeFile(join(dir, 'notes.txt'), 'not an image');
    fails(['--model-file', 'm.safetensors', '--out', 'x', '--png', 'notes.txt'], /--png notes\.txt is not a readable PNG \(not a PNG file \(bad signature\)\); expected a 28x28 greyscale PNG\./);
    fails(['--model-file', 'm.safetensors', '--out', 'x', '--png', 'nothing.png'], /Cannot read --png nothing\.png: no such file\./);
    fails(['--model-file', 'm.safetensors', '--out', 'seven.png'], /Cannot create the --out folder seven\.png: .*EEXIST/);
    assert.deepEqual((await readdir(dir)).filter((f) => f === 'x'), [], 'failed runs create no output folder');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('convkit inspect on a model without conv layers writes the input picture and says nothing else applies', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-inspect-'));
  try {
    const trained = run(dir, 'train', '--model', 'dense', '--train-limit', '300', '--test-limit', '50', '--epochs', '1', '--verbose', '0', '--save', 'd.safetensors');
    assert.equal(trained.status, 0, trained.stderr);
    const result = run(dir, 'inspect', '--model-file', 'd.safetensors', '--out', 'out');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(await readdir(join(dir, 'out')), ['input.png']);
    assert.match(result.stdout, /flatten \(Flatten\)  output 784\n  no picture: Flatten only rearranges or masks values \(receptive field stays 1x1\)/);
    assert.match(result.stdout, /No Conv2D, pooling, normalisation or activation layers on images: no filters or feature maps to draw; only input\.png\./);
    assert.match(result.stdout, /Image: MNIST test image 0 from .* \(label 7\)/);
    assert.match(result.stdout, /Predicted class \d \(label 7: (right|wrong)\); top 3: \d [01]\.\d{4}, \d [01]\.\d{4}, \d [01]\.\d{4}/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('convkit inspect draws the maps after BatchNormalization, AveragePooling2D and an Activation, and none for Dropout', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-inspect-layers-'));
  try {
    const model = new Sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [28, 28, 1] }), layers.batchNormalization(), layers.averagePooling2d({ poolSize: 2 }),
      layers.activation('tanh'), layers.dropout({ rate: 0.5 }), layers.globalMaxPooling2d(), layers.dense({ units: 10, activation: 'softmax' }),
    ], { backend: 'reference', seed: 4 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await saveModel(model, join(dir, 'm.safetensors'));
    const result = run(dir, 'inspect', '--model', 'm.safetensors', '--out', 'out');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual((await readdir(join(dir, 'out'))).sort(), [
      'feature-maps-activation.png', 'feature-maps-average_pooling2d.png', 'feature-maps-batch_normalization.png', 'feature-maps-conv2d.png', 'filters-conv2d.png', 'input.png',
    ]);
    assert.match(result.stdout, /feature-maps-batch_normalization\.png: 4 maps 26x26 after batch normalisation \(moving statistics\)/);
    assert.match(result.stdout, /feature-maps-average_pooling2d\.png: 4 maps 13x13 after average pooling/);
    assert.match(result.stdout, /feature-maps-activation\.png: 4 maps 13x13 after tanh/);
    assert.match(result.stdout, /dropout \(Dropout\)  output 13x13x4\n  no picture: Dropout only rearranges or masks values/);
    assert.match(result.stdout, /Feature hierarchy \(receptive field on the input\): conv2d 3x3 -> batch_normalization 3x3 -> average_pooling2d 4x4 -> activation 4x4/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
