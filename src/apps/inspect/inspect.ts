/**
 * inspect: the pictures and the text report for one image. Writes input.png,
 * filters-<conv>.png for each Conv2D layer and feature-maps-<layer>.png for
 * each layer that makes a new picture of its input (Conv2D, the poolings,
 * BatchNormalization, activations) (atomically, into an existing folder),
 * and returns the report: per layer its output shape, what its picture shows
 * and its receptive field on the input (the feature hierarchy), then the
 * predicted class with the top-3 probabilities. Colour maps: image-grid.ts.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { AffineLayer } from '../../layers/affine-layer.js';
import { Conv2D } from '../../layers/conv2d.js';
import { Activation } from '../../layers/activation.js';
import { AveragePooling2D } from '../../layers/average-pooling2d.js';
import { BatchNormalization } from '../../layers/batch-normalization.js';
import type { Layer } from '../../layers/layer.js';
import { LeakyReLU } from '../../layers/leaky-relu.js';
import { MaxPooling2D } from '../../layers/max-pooling2d.js';
import { receptiveFields, type ReceptiveField } from '../../model/receptive-field.js';
import type { Sequential } from '../../model/sequential.js';
import { formatCount } from '../../model/summary.js';
import { channelPlanes } from './feature-maps.js';
import { layerOutputs } from '../../model/layer-outputs.js';
import { filterPlanes } from './filters.js';
import { divergingColours, drawGrid, fixedGreyLevels, greyLevels, greyToRgb, scaleFor, type Rgb, type RgbImage } from './image-grid.js';
import { encodePng } from '../image/png-write.js';
import { ShapeError } from '../../core/errors.js';

/** Pixels per kernel weight in filters-*.png. */
export const FILTER_SCALE = 8;
/** Feature maps are upscaled to at least this many pixels a side (26 -> 4x, 13 -> 8x, 5 -> 20x). */
export const MAP_TARGET = 96;
/** The input is upscaled to at least this many pixels a side (28 -> 8x). */
export const INPUT_TARGET = 224;
const GAP = 2;
/** Between kernel tiles (white = 0 inside them): dark grey. */
const FILTER_BACKGROUND: Rgb = [64, 64, 64];
/** Between grey maps: a blue that no grey level matches, so black (dead) maps stand out. */
const MAP_BACKGROUND: Rgb = [40, 80, 160];

export interface InspectImage {
  /** height * width grey values in [0, 1]. */
  pixels: Float32Array;
  /** Where it came from, for the report ("MNIST test image 0"). */
  description: string;
  label?: number;
  /** Notes to print about the input (e.g. colour turned to grey). */
  notes?: string[];
}

export interface InspectResult {
  report: string;
  /** File names written into the output folder, in order. */
  files: string[];
  predicted: number;
  probabilities: Float64Array;
}

export function imageShapeOf(model: Sequential): { height: number; width: number } {
  const shape = model.inputShape;
  if (shape.length !== 3 || shape[2] !== 1) {
    throw new ShapeError(`inspect feeds one greyscale image: the model must take input of shape [height, width, 1]; this model takes [${shape.join(', ')}].`);
  }
  return { height: shape[0], width: shape[1] };
}

/** What a unit with this receptive field can respond to, for the feature-hierarchy lines. */
export function describeField(field: ReceptiveField, inputSide: number): string {
  if (field.global || field.size === null || field.size >= inputSide) return `all ${inputSide}x${inputSide} pixels: the whole digit`;
  const size = field.size;
  const what = size <= 4 ? 'edges and short strokes' : size <= inputSide / 2 ? 'parts of a digit: stroke ends, junctions, curves' : 'large parts of the digit';
  return `${size}x${size} input pixels (jump ${field.jump}): ${what}`;
}

function softmax(values: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]);
  const out = Float64Array.from({ length: values.length }, (_, i) => Math.exp(values[i] - max));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / sum);
}

export function topK(probabilities: ArrayLike<number>, k: number): { index: number; probability: number }[] {
  return Array.from({ length: probabilities.length }, (_, index) => ({ index, probability: probabilities[index] }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k);
}

const dims = (shape: readonly number[]): string => shape.join('x');

export async function inspectModel(model: Sequential, image: InspectImage, outDir: string, modelSource: string): Promise<InspectResult> {
  const { height, width } = imageShapeOf(model);
  const side = Math.max(height, width);
  const files: string[] = [];
  const write = async (name: string, picture: RgbImage): Promise<void> => {
    await writeFileAtomic(join(outDir, name), encodePng(picture, { colour: 'rgb' }));
    files.push(name);
  };
  const lines: string[] = [];
  lines.push(`Model ${model.name} (${formatCount(model.countParams())} params) from ${modelSource}`);
  lines.push(`Image: ${image.description}${image.label === undefined ? '' : ` (label ${image.label})`}`);
  for (const note of image.notes ?? []) lines.push(`Note: ${note}`);

  const inputScale = scaleFor(side, INPUT_TARGET);
  await write('input.png', drawGrid([greyToRgb(fixedGreyLevels(image.pixels))], height, width, { scale: inputScale, gap: 0, background: [0, 0, 0] }));
  lines.push(`input.png: the ${width}x${height} input as the network sees it, grey 0 = black .. 1 = white, ${inputScale}x upscaled`);
  lines.push('');

  const outputs = layerOutputs(model, image.pixels);
  const fields = receptiveFields(model.layers, height);
  const hierarchy: string[] = [];
  for (const [i, { shape, data: values }] of outputs.entries()) {
    const layer = model.layers[i];
    lines.push(`${layer.name} (${layer.className})  output ${dims(shape)}`);
    const field = fields[i];
    if (layer instanceof Conv2D) {
      const f = filterPlanes(layer);
      const name = `filters-${layer.name}.png`;
      await write(name, drawGrid(f.planes.map(divergingColours), f.kernelHeight, f.kernelWidth, { scale: FILTER_SCALE, gap: GAP, background: FILTER_BACKGROUND }));
      const how = f.averaged
        ? `each the mean over its ${f.inputChannels} input channels (a ${f.kernelHeight}x${f.kernelWidth}x${f.inputChannels} filter has no single picture)`
        : 'exact (1 input channel)';
      lines.push(`  ${name}: ${f.planes.length} kernels ${f.kernelHeight}x${f.kernelWidth}, ${how}; ${FILTER_SCALE}x${FILTER_SCALE} px per weight, red + / white 0 / blue -, scaled per tile`);
    }
    const after = shape.length === 3 ? mapsAfter(layer) : null;
    if (after !== null) {
      const planes = channelPlanes(values, shape);
      const constant = planes.filter((p) => p.every((v) => v === p[0])).length;
      const scale = scaleFor(Math.max(shape[0], shape[1]), MAP_TARGET);
      const name = `feature-maps-${layer.name}.png`;
      await write(name, drawGrid(planes.map((p) => greyToRgb(greyLevels(p))), shape[0], shape[1], { scale, gap: GAP, background: MAP_BACKGROUND }));
      lines.push(`  ${name}: ${planes.length} maps ${shape[0]}x${shape[1]} ${after}, ${scale}x upscaled, grey per map min (black) .. max (white); ${constant} constant (drawn black)`);
      lines.push(`  each unit sees ${describeField(field, side)}`);
      hierarchy.push(`${layer.name} ${field.size}x${field.size}`);
    } else if (field.global) {
      lines.push(`  no picture: every unit mixes all ${width}x${height} input pixels`);
    } else {
      lines.push(`  no picture: ${layer.className} only rearranges or masks values (receptive field stays ${field.size}x${field.size})`);
    }
  }

  lines.push('');
  if (hierarchy.length > 0) lines.push(`Feature hierarchy (receptive field on the input): ${hierarchy.join(' -> ')}`);
  else lines.push('No Conv2D, pooling, normalisation or activation layers on images: no filters or feature maps to draw; only input.png.');

  const last = model.layers[model.layers.length - 1];
  const output = outputs[outputs.length - 1].data;
  const isSoftmax = last instanceof AffineLayer && last.activation === 'softmax';
  const probabilities = isSoftmax ? Float64Array.from(output) : softmax(output);
  const top = topK(probabilities, 3);
  const predicted = top[0].index;
  const label = image.label === undefined ? '' : image.label === predicted ? ` (label ${image.label}: right)` : ` (label ${image.label}: wrong)`;
  lines.push(`Predicted class ${predicted}${label}; top ${top.length}: ${top.map((t) => `${t.index} ${t.probability.toFixed(4)}`).join(', ')}` + (isSoftmax ? '' : ' (softmax of the last layer, which has none)'));
  lines.push(`Wrote ${files.length} PNG files to ${outDir}: ${files.join(', ')}`);
  return { report: lines.join('\n'), files, predicted, probabilities };
}

/**
 * What a layer's maps show, for the layers whose [H, W, C] output is a new picture of the input (a
 * convolution, a pooling, a normalisation or an activation); null for those that only rearrange or
 * mask values (Flatten, Reshape, Dropout, Input, a linear Activation), which get no picture.
 */
function mapsAfter(layer: Layer): string | null {
  if (layer instanceof Conv2D) return `after ${layer.activation}`;
  if (layer instanceof MaxPooling2D) return 'after max pooling';
  if (layer instanceof AveragePooling2D) return 'after average pooling';
  if (layer instanceof BatchNormalization) return 'after batch normalisation (moving statistics)';
  if (layer instanceof LeakyReLU) return 'after leaky relu';
  if (layer instanceof Activation && layer.activation !== 'linear') return `after ${layer.activation}`;
  return null;
}
