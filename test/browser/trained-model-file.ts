/**
 * A lab CNN trained for the browser tests: a few thousand MNIST images on the
 * native backend (where it loads), saved as a model file for
 * `convkit playground --model-file`. Enough to read clearly drawn digits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabCnn } from '../../src/apps/lab/lab-models.js';
import { loadMnist } from '../../src/data/mnist.js';
import { Tensor } from '../../src/core/tensor.js';
import { saveModel } from '../../src/io/model-file.js';

export async function trainedModelFile(images = 8000, epochs = 2): Promise<string> {
  const data = await loadMnist({ trainLimit: images, testLimit: 1 });
  const model = createLabCnn({ seed: 7, learningRate: 0.002 });
  await model.fit(new Tensor(data.train.images, [data.train.count, 28, 28, 1]), data.train.labels, { epochs, batchSize: 64, verbose: 0 });
  const path = join(mkdtempSync(join(tmpdir(), 'convkit-page-')), 'lab-cnn.safetensors');
  await saveModel(model, path);
  return path;
}
