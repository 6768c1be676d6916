/** Small models shared by the tests of rejected input (errors are checked on the reference backend, seed 1). */
import { Sequential, Tensor, layers } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';

export const onReference = { backend: 'reference' as const, seed: 1 };

/**
 * The lab CNN's layers written out as a user writes them (the tests check the
 * library against this, not against apps/lab's own factory); `inputShape` on
 * the first layer when given.
 */
export function labCnnLayers(inputShape?: number[]): Layer[] {
  return [
    layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', ...(inputShape ? { inputShape } : {}) }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 128, activation: 'relu' }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ];
}

/** The lab CNN's layers on 28x28x1 inputs, built but not compiled. */
export function labShapedCnn(): Sequential {
  return new Sequential(labCnnLayers([28, 28, 1]), onReference);
}

/** A small compiled model on [4, 4, 1] inputs with 3 classes. */
export function smallClassifier(): Sequential {
  const model = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [4, 4, 1] }),
    layers.flatten(),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], onReference);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** n images of 4x4x1 zeros. */
export function zeroImages4x4(n: number): Tensor {
  return new Tensor(new Float32Array(n * 16), [n, 4, 4, 1]);
}
