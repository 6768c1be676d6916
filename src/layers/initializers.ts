/** Weight initialisers with Keras defaults: glorot_uniform kernels, zero biases. */
import type { Random } from '../core/random.js';
import { allocate, type DType } from '../core/tensor.js';
import type { FloatArray } from '../backend/backend.js';

/** U(-limit, limit) with limit = sqrt(6 / (fanIn + fanOut)); for conv, fans include the receptive field. */
export function glorotUniform(random: Random, dtype: DType, fanIn: number, fanOut: number): (size: number) => FloatArray {
  return (size) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = allocate(dtype, size);
    for (let i = 0; i < size; i++) values[i] = random.uniform(-limit, limit);
    return values;
  };
}

export function zeros(dtype: DType): (size: number) => FloatArray {
  return (size) => allocate(dtype, size);
}
