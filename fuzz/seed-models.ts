/**
 * The small valid models the model-file and TF.js fuzzers start from: one per
 * kind of layer config and state a file can carry (conv + pool + dense with
 * Adam state after a step, a bare dense model, a strided 'same' conv with SGD).
 */
import { Sequential, Tensor, layers } from '../src/index.js';

async function trained(model: Sequential, inputSize: number, classes: number): Promise<Sequential> {
  const x = new Tensor(Float32Array.from({ length: 4 * inputSize }, (_, i) => ((i * 37) % 11) / 11), [4, ...model.inputShape!]);
  const y = Int32Array.from({ length: 4 }, (_, i) => i % classes);
  await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, shuffle: false });
  return model;
}

export async function seedModels(): Promise<Sequential[]> {
  const conv = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dropout({ rate: 0.25 }),
    layers.dense({ units: 3, activation: 'softmax' }),
  ], { backend: 'reference', seed: 5, name: 'fuzz_conv' });
  conv.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });

  const dense = new Sequential([layers.dense({ units: 2, activation: 'softmax', inputShape: [3] })], { backend: 'reference', seed: 7, name: 'fuzz_dense' });

  const strided = new Sequential([
    layers.conv2d({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', inputShape: [4, 4, 2] }),
    layers.activation({ activation: 'tanh' }),
    layers.flatten(),
    layers.dense({ units: 2, activation: 'softmax' }),
  ], { backend: 'reference', seed: 9, name: 'fuzz_strided' });
  strided.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });

  return [await trained(conv, 36, 3), dense, await trained(strided, 32, 2)];
}
