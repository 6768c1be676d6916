/**
 * convkit predict: runs a saved model (train --save) on images and prints, per
 * image, the predicted class and its probability, with the accuracy when
 * labels are known. Images come from the test split of MNIST (built-in or
 * --data DIR), from one IDX image file, or from PNG files of the model's
 * input size (read as inspect --png reads them: apps/inspect/input-png.ts).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { shapeSize, Tensor } from '../../core/tensor.js';
import { readIdxFile } from '../../data/idx.js';
import { defaultMnistDir, findMnistFiles, loadIdxDataset, type ImageSet } from '../../data/mnist.js';
import { readInputPng } from '../../apps/inspect/input-png.js';
import { withUntrustedFile } from '../../data/untrusted-file.js';
import { sniffFileKind, SNIFF_BYTES } from '../../data/file-kind.js';
import { addModelChoiceOption, loadChosenModel, modelChoice, type ModelOptionValues } from '../model-option.js';
import { argmaxRow } from '../../metrics/accuracy.js';
import type { Sequential } from '../../model/sequential.js';
import { formatCount } from '../../model/summary.js';
import type { BackendName } from '../../backend/select-backend.js';
import { addAllowNonFiniteOption, positiveIntegerOption, type NonFiniteOptions } from '../common-options.js';
import { escapeControls, quoteString } from '../../core/quote-value.js';
import { imagesTensor } from '../../apps/lab/train-lab-model.js';
import { ConfigError, DataError, ShapeError } from '../../core/errors.js';

interface PredictOptions extends NonFiniteOptions, ModelOptionValues {
  backend: BackendName;
  data?: string;
  testLimit?: number;
  labels?: string;
}

/** Only the test split: predict and evaluate need no training images. */
export async function loadTestSet(options: { data?: string; testLimit?: number }, classes: number): Promise<{ test: ImageSet; source: string }> {
  const source = options.data ?? defaultMnistDir();
  const files = await findMnistFiles(source);
  return { test: await loadIdxDataset(files.testImages, files.testLabels, { limit: options.testLimit, numClasses: classes }), source };
}

/** Images of one IDX file ([N, H, W] uint8), scaled to [0, 1] as in training; labels only if a label file is given. */
async function loadImageFile(path: string, labels: string | undefined, limit: number | undefined, classes: number): Promise<{ images: Tensor; labels?: Int32Array }> {
  if (labels) {
    const set = await loadIdxDataset(path, labels, { limit, numClasses: classes });
    return { images: imagesTensor(set), labels: set.labels };
  }
  const file = await readIdxFile(path);
  if (file.type !== 'uint8' || file.shape.length !== 3) {
    throw new DataError(`${path}: expected images as uint8 of rank 3 [count, height, width]; received ${file.type} of shape [${file.shape.join(', ')}].`);
  }
  const [count, height, width] = file.shape;
  const kept = Math.min(count, limit ?? count);
  const pixels = Float32Array.from(file.data.subarray(0, kept * height * width), (v) => v / 255);
  return { images: new Tensor(pixels, [kept, height, width, 1]) };
}

function checkInputShape(model: Sequential, images: Tensor, source: string): void {
  const wanted = model.inputShape;
  const given = images.shape.slice(1);
  if (wanted.length !== given.length || wanted.some((d, i) => d !== given[i])) {
    throw new ShapeError(`The model expects images of shape [${wanted.join(', ')}]; ${source} has [${given.join(', ')}].`);
  }
}

async function isPngFile(path: string): Promise<boolean> {
  const head = await withUntrustedFile(path, { what: `image file ${path}`, kind: DataError }, (file) => file.readRange(0, Math.min(file.size, SNIFF_BYTES)));
  return sniffFileKind(head, path)?.name === 'png';
}

/** PNG images of the model's input size (grey, scaled to [0, 1]), one sample each; a light background is pointed out. */
async function loadPngFiles(paths: readonly string[], model: Sequential): Promise<Tensor> {
  const [height, width, channels] = model.inputShape;
  if (model.inputShape.length !== 3 || channels !== 1) {
    throw new ShapeError(`predict reads PNG images as greyscale [height, width, 1]; this model takes [${model.inputShape.join(', ')}].`);
  }
  const size = height! * width!;
  const pixels = new Float32Array(paths.length * size);
  for (const [i, path] of paths.entries()) {
    const image = await readInputPng(path, height!, width!, `image ${path}`, 'predict');
    pixels.set(image.pixels, i * size);
    const mean = image.pixels.reduce((a, b) => a + b, 0) / size;
    if (mean > 0.5) process.stderr.write(`convkit: note: ${escapeControls(path)} is mostly light (mean grey ${mean.toFixed(2)}); MNIST digits are light on black, so invert dark-on-light drawings or the prediction means little.\n`);
  }
  return new Tensor(pixels, [paths.length, height!, width!, 1]);
}

/** One line per image (with its file name when given), then the accuracy when labels are known. */
export function formatPredictions(probabilities: Tensor, labels: Int32Array | undefined, names?: readonly string[]): string {
  const [count] = probabilities.shape;
  const classes = shapeSize(probabilities.shape.slice(1));
  const lines = [`${labels ? 'image  predicted  probability  label' : 'image  predicted  probability'}${names ? '  file' : ''}`];
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const predicted = argmaxRow(probabilities.data, i, classes);
    const row = `${String(i).padStart(5)}  ${String(predicted).padStart(9)}  ${probabilities.data[i * classes + predicted].toFixed(4).padStart(11)}`;
    if (labels) {
      if (labels[i] === predicted) correct++;
      lines.push(`${row}  ${String(labels[i]).padStart(5)}${labels[i] === predicted ? '' : '  x'}`);
    } else {
      // Escaped: a file name must reach the terminal as text, never as control sequences.
      lines.push(names ? `${row}  ${escapeControls(names[i]!)}` : row);
    }
  }
  if (labels) lines.push(`Accuracy ${((correct / count) * 100).toFixed(2)}% (${count - correct} errors of ${count})`);
  return lines.join('\n');
}

export function registerPredict(program: Command): void {
  addAllowNonFiniteOption(addModelChoiceOption(program.command('predict').description('predict classes with a saved model (from train --save, or a TF.js model.json) on MNIST, an IDX file or PNG images'), 'file'))
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'native', 'reference']).default('auto'))
    .argument('[images...]', "one IDX image file ([N, H, W] uint8, .gz or not), or PNG images of the model's input size (grey or colour, turned to grey; a light digit on black); default: the MNIST test split")
    .option('--data <dir>', 'folder with MNIST-style IDX files whose test split to use; default: the built-in MNIST')
    .option('--labels <file>', 'an IDX label file for the images argument, to report accuracy')
    .option('--test-limit <n>', 'use only the first N images', positiveIntegerOption('--test-limit'))
    .action(async (imageFiles: string[], options: PredictOptions) => {
      if (options.labels && imageFiles.length === 0) throw new InvalidArgumentError('--labels goes with an images file argument.');
      // A TF.js model.json (import, docs/model-files.md) or convkit's own file, told apart by content.
      const choice = modelChoice(options, 'file', 'predict');
      const model = await loadChosenModel(choice.file!, 'file', { backend: options.backend, allowNonFinite: options.allowNonFinite });
      const classes = shapeSize(model.outputShape);
      let images: Tensor;
      let labels: Int32Array | undefined;
      let source: string;
      // One file open at a time: a shell glob may name thousands of PNGs.
      const pngs: boolean[] = [];
      for (const file of imageFiles) pngs.push(await isPngFile(file));
      if (pngs.some((png) => png)) {
        if (options.labels) throw new ConfigError('--labels goes with one IDX image file; PNG images have no label file.');
        const others = imageFiles.filter((_, i) => !pngs[i]);
        if (others.length > 0) throw new ConfigError(`predict takes one IDX image file or any number of PNG images, not both; ${others.map((p) => quoteString(p)).join(', ')} ${others.length === 1 ? 'is' : 'are'} not PNG.`);
        images = await loadPngFiles(imageFiles, model);
        console.log(`Model ${model.name} (${formatCount(model.countParams())} params) from ${choice.file}; ${formatCount(images.shape[0])} PNG image${imageFiles.length === 1 ? '' : 's'}`);
        console.log(formatPredictions(await model.predict(images, { batchSize: 256 }), undefined, imageFiles));
        return;
      }
      if (imageFiles.length > 1) throw new ConfigError(`predict takes one IDX image file (or PNG images); received ${imageFiles.length} IDX files.`);
      const imagesFile = imageFiles[0];
      if (imagesFile) {
        ({ images, labels } = await loadImageFile(imagesFile, options.labels, options.testLimit, classes));
        source = imagesFile;
      } else {
        const loaded = await loadTestSet(options, classes);
        images = imagesTensor(loaded.test);
        labels = loaded.test.labels;
        source = `the test split in ${loaded.source}`;
      }
      checkInputShape(model, images, source);
      console.log(`Model ${model.name} (${formatCount(model.countParams())} params) from ${choice.file}; ${formatCount(images.shape[0])} images from ${source}`);
      console.log(formatPredictions(await model.predict(images, { batchSize: 256 }), labels));
    });
}
