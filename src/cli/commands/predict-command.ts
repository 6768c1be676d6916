/**
 * convkit predict: runs a saved model (train --save) on images and prints, per
 * image, the predicted class and its probability, with the accuracy when
 * labels are known. Images come from the test split of MNIST (built-in or
 * --data DIR) or from one IDX image file given as the argument.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { shapeSize, Tensor } from '../../core/tensor.js';
import { readIdxFile } from '../../data/idx.js';
import { defaultMnistDir, findMnistFiles, loadIdxDataset, type ImageSet } from '../../data/mnist.js';
import { loadModel } from '../../io/model-file.js';
import { loadTfjsModel } from '../../io/tfjs-import.js';
import { argmaxRow } from '../../metrics/accuracy.js';
import type { Sequential } from '../../model/sequential.js';
import { formatCount } from '../../model/summary.js';
import type { BackendName } from '../../backend/select-backend.js';
import { addAllowNonFiniteOption, positiveIntegerOption, type NonFiniteOptions } from '../common-options.js';
import { imagesTensor } from '../../apps/lab/train-lab-model.js';
import { DataError, ShapeError } from '../../core/errors.js';

interface PredictOptions extends NonFiniteOptions {
  backend: BackendName;
  model: string;
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

/** One line per image, then the accuracy when labels are known. */
export function formatPredictions(probabilities: Tensor, labels: Int32Array | undefined): string {
  const [count] = probabilities.shape;
  const classes = shapeSize(probabilities.shape.slice(1));
  const lines = [labels ? 'image  predicted  probability  label' : 'image  predicted  probability'];
  let correct = 0;
  for (let i = 0; i < count; i++) {
    const predicted = argmaxRow(probabilities.data, i, classes);
    const row = `${String(i).padStart(5)}  ${String(predicted).padStart(9)}  ${probabilities.data[i * classes + predicted].toFixed(4).padStart(11)}`;
    if (labels) {
      if (labels[i] === predicted) correct++;
      lines.push(`${row}  ${String(labels[i]).padStart(5)}${labels[i] === predicted ? '' : '  x'}`);
    } else {
      lines.push(row);
    }
  }
  if (labels) lines.push(`Accuracy ${((correct / count) * 100).toFixed(2)}% (${count - correct} errors of ${count})`);
  return lines.join('\n');
}

export function registerPredict(program: Command): void {
  addAllowNonFiniteOption(program.command('predict').description('predict classes with a saved model (from train --save)'))
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'native', 'reference']).default('auto'))
    .argument('[images]', 'an IDX image file ([N, H, W] uint8, .gz or not); default: the MNIST test split')
    .requiredOption('--model <file>', 'the model file to run: .safetensors (train --save) or a TF.js model.json')
    .option('--data <dir>', 'folder with MNIST-style IDX files whose test split to use; default: the built-in MNIST')
    .option('--labels <file>', 'an IDX label file for the images argument, to report accuracy')
    .option('--test-limit <n>', 'use only the first N images', positiveIntegerOption('--test-limit'))
    .action(async (imagesFile: string | undefined, options: PredictOptions) => {
      if (options.labels && !imagesFile) throw new InvalidArgumentError('--labels goes with an images file argument.');
      // A TF.js model.json (import, docs/model-files.md) or convkit's own file.
      const loadOptions = { backend: options.backend, allowNonFinite: options.allowNonFinite };
      const model = options.model.endsWith('.json') ? await loadTfjsModel(options.model, loadOptions) : await loadModel(options.model, loadOptions);
      const classes = shapeSize(model.outputShape);
      let images: Tensor;
      let labels: Int32Array | undefined;
      let source: string;
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
      console.log(`Model ${model.name} (${formatCount(model.countParams())} params) from ${options.model}; ${formatCount(images.shape[0])} images from ${source}`);
      console.log(formatPredictions(await model.predict(images, { batchSize: 256 }), labels));
    });
}
