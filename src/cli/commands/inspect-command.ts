/**
 * convkit inspect: pictures of a saved model's inside for one image: its
 * kernels (filters-<conv>.png), the input and every Conv2D / MaxPooling2D
 * layer's activation maps (feature-maps-<layer>.png), and a text report of
 * shapes, receptive fields (the feature hierarchy) and the prediction.
 * The image is an MNIST test image (--image N, default 0) or a PNG (--png) of
 * the model's input size; see src/apps/inspect/ for the choices made.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { mkdir, stat } from 'node:fs/promises';
import { shapeSize } from '../../core/tensor.js';
import { loadAnyModel } from '../../io/load-any-model.js';
import type { BackendName } from '../../backend/select-backend.js';
import { imageShapeOf, inspectModel, type InspectImage } from '../../apps/inspect/inspect.js';
import { readInputPng } from '../../apps/inspect/input-png.js';
import type { Sequential } from '../../model/sequential.js';
import { formatCount } from '../../model/summary.js';
import { loadTestSet } from './predict-command.js';
import { ConfigError, ModelFileError, ShapeError } from '../../core/errors.js';
import { addAllowNonFiniteOption, type NonFiniteOptions } from '../common-options.js';
import { addModelChoiceOption, modelChoice, type ModelOptionValues } from '../model-option.js';

interface InspectOptions extends NonFiniteOptions, ModelOptionValues {
  image?: number;
  png?: string;
  out: string;
  data?: string;
  backend: BackendName;
}

function imageIndexOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`--image expects an image index, an integer 0 or above; received '${value}'.`);
  return n;
}

/** `flag` is the option the user named the file with (--model, or its alias --model-file). */
async function loadInspectedModel(path: string, flag: string, backend: BackendName, allowNonFinite: boolean | undefined): Promise<Sequential> {
  try {
    await stat(path);
  } catch {
    throw new ModelFileError(`Cannot read ${flag} ${path}: no such file. Expected a model saved by 'convkit train --save m.safetensors' (or a TF.js model.json).`);
  }
  return loadAnyModel(path, { backend, allowNonFinite });
}

/** The image the report is about: one MNIST test image, or a PNG of the model's input size. */
async function chooseImage(model: Sequential, options: InspectOptions): Promise<InspectImage> {
  const { height, width } = imageShapeOf(model);
  if (options.png !== undefined) {
    const { pixels, hadColour } = await readInputPng(options.png, height, width);
    const notes: string[] = [];
    if (hadColour) notes.push('the PNG has colour; it was turned to grey (BT.601 luma).');
    const mean = pixels.reduce((a, b) => a + b, 0) / pixels.length;
    if (mean > 0.5) notes.push(`the image is mostly light (mean grey ${mean.toFixed(2)}); MNIST digits are light on black, so invert dark-on-light drawings or the prediction means little.`);
    return { pixels, description: options.png, notes };
  }
  const index = options.image ?? 0;
  const { test, source } = await loadTestSet({ data: options.data, testLimit: index + 1 }, shapeSize(model.outputShape));
  if (index >= test.count) {
    throw new ConfigError(`--image ${index} is out of range: the test split in ${source} has ${formatCount(test.count)} images, so --image takes 0 to ${test.count - 1}.`);
  }
  if (test.height !== height || test.width !== width) {
    throw new ShapeError(`The model takes ${width}x${height} images; the test split in ${source} has ${test.width}x${test.height}.`);
  }
  const size = height * width;
  return { pixels: test.images.slice(index * size, (index + 1) * size), description: `MNIST test image ${index} from ${source}`, label: test.labels[index] };
}

export function registerInspect(program: Command): void {
  addModelChoiceOption(addAllowNonFiniteOption(program.command('inspect')).description('draw a saved model\'s kernels and feature maps for one image, with a report of shapes and receptive fields'), 'file')
    .requiredOption('--out <dir>', 'folder for the PNG files (created if missing)')
    .option('--image <n>', 'index of the MNIST test image to run (default 0)', imageIndexOption)
    .option('--png <file>', 'run this PNG instead: the model\'s input size (28x28), grey or colour (turned to grey), light digit on black')
    .option('--data <dir>', 'folder with MNIST-style IDX files whose test split --image indexes; default: the built-in MNIST')
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'native', 'reference']).default('auto'))
    .action(async (options: InspectOptions) => {
      if (options.png !== undefined && options.image !== undefined) throw new InvalidArgumentError('--image and --png are alternatives; give one of them.');
      const file = modelChoice(options, 'file', 'inspect').file!;
      const model = await loadInspectedModel(file, options.model !== undefined ? '--model' : '--model-file', options.backend, options.allowNonFinite);
      const image = await chooseImage(model, options);
      try {
        await mkdir(options.out, { recursive: true });
      } catch (error) {
        throw new ConfigError(`Cannot create the --out folder ${options.out}: ${(error as Error).message}`);
      }
      const result = await inspectModel(model, image, options.out, file);
      console.log(result.report);
    });
}
