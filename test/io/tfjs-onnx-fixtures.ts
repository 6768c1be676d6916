/**
 * Shared by the TF.js and ONNX export tests: the lab's two models and a
 * 'same'-padded, strided variant, each trained a little on an MNIST slice (so
 * the weights are not just their initial values), the first 500 MNIST test
 * images, and a TF.js IOHandler that reads model.json + weight files from a
 * folder through TF.js's own model.json parser (as its http loader does).
 * No tests here: node --test finds none and moves on.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Adam, Sequential, Tensor, layers, loadMnist } from '../../src/index.js';
import { createDenseBaseline, createLabCnn } from '../../src/apps/lab/index.js';

/** The tolerance the issue sets for predictions of an export against convkit's own. */
export const TOLERANCE = 1e-5;
export const TEST_IMAGES = 500;

export function stridedSameModel(seed: number): Sequential {
  // 28 -> 14 with total padding 1 (odd: the extra pixel after), 14 -> 7 with padding 1 too, then a non-square kernel and stride.
  const model = new Sequential([
    layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', inputShape: [28, 28, 1] }),
    layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    layers.conv2d({ filters: 6, kernelSize: [2, 3], strides: [1, 2], padding: 'same', activation: 'relu' }),
    layers.flatten(),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ], { name: 'strided_same', seed });
  // A larger step: this small tanh network learns slowly in one short epoch at Keras' 1e-3.
  model.compile({ optimizer: new Adam({ learningRate: 0.005 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

export interface TrainedModels {
  models: Sequential[];
  images: Tensor;
  labels: Int32Array;
}

/** Trains each model one epoch on 512 images (the native backend when it loads: well under a second). */
export async function trainedModels(): Promise<TrainedModels> {
  const { train, test } = await loadMnist({ trainLimit: 512, testLimit: TEST_IMAGES });
  const x = new Tensor(train.images, [train.count, 28, 28, 1]);
  const models = [createLabCnn({ seed: 11 }), createDenseBaseline({ seed: 12 }), stridedSameModel(13)];
  for (const model of models) await model.fit(x, train.labels, { epochs: 1, verbose: 0 });
  return { models, images: new Tensor(test.images, [test.count, 28, 28, 1]), labels: test.labels };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Share of rows whose largest entry is the label: a trained model beats chance (10%). */
export function accuracy(probabilities: ArrayLike<number>, labels: Int32Array, classes = 10): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[i * classes + k] > probabilities[i * classes + best]) best = k;
    if (best === labels[i]) correct++;
  }
  return correct / labels.length;
}

/** Loads model.json from a folder the way tf.loadLayersModel('file://...') would: TF.js parses the JSON, we fetch the files. */
export function tfjsFolderHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths).map(async (p) => {
          const bytes = await readFile(join(dir, p));
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
        }));
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/** TF.js predictions as a flat Float32Array. */
export function tfjsPredict(model: tf.LayersModel, images: Tensor): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(images.data as Float32Array, [...images.shape])) as tf.Tensor).dataSync() as Float32Array);
}
