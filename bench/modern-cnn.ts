/**
 * The bench's second workload (issue 17, item 9): a small modern CNN on
 * CIFAR-shaped 32x32x3 input, with 'same' convolutions, BatchNormalization
 * and global average pooling, as a Keras user writes it:
 *   Conv2D(32,3,same)-BN-relu, Conv2D(32,3,same)-BN-relu, MaxPool 2
 *   Conv2D(64,3,same)-BN-relu, Conv2D(64,3,same)-BN-relu, MaxPool 2
 *   GlobalAveragePooling2D, Dense(10, softmax)
 * bench/pytorch/modern_cnn_epoch.py builds the same model in PyTorch. Data is
 * seeded random (timing does not depend on the values), the same in both.
 */
import type { Backend } from '../src/backend/backend.js';
import type { BackendName } from '../src/backend/select-backend.js';
import { Random } from '../src/core/random.js';
import { Sequential } from '../src/model/sequential.js';
import * as layers from '../src/layers/index.js';

export const MODERN_INPUT = [32, 32, 3] as const;
export const MODERN_CLASSES = 10;

export function createModernCnn(options: { seed?: number; backend?: BackendName | Backend } = {}): Sequential {
  const block = (filters: number, first = false) => [
    layers.conv2d({ filters, kernelSize: 3, padding: 'same', ...(first ? { inputShape: [...MODERN_INPUT] } : {}) }),
    layers.batchNormalization(),
    layers.activation('relu'),
  ];
  const model = new Sequential([
    ...block(32, true), ...block(32), layers.maxPooling2d({ poolSize: 2 }),
    ...block(64), ...block(64), layers.maxPooling2d({ poolSize: 2 }),
    layers.globalAveragePooling2d(), layers.dense({ units: MODERN_CLASSES, activation: 'softmax' }),
  ], { name: 'modern_cnn', seed: options.seed ?? 1, backend: options.backend });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** `count` images uniform in [0, 1) and labels in [0, 10), from a seed. */
export function randomImages(count: number, seed: number): { images: Float32Array; labels: Int32Array } {
  const random = new Random(seed);
  const size = MODERN_INPUT[0] * MODERN_INPUT[1] * MODERN_INPUT[2];
  const images = new Float32Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = random.next();
  const labels = Int32Array.from({ length: count }, () => random.int(MODERN_CLASSES));
  return { images, labels };
}
