/** Checks that data given to fit / evaluate / predict fits the model, with messages that say how to fix it. */
import type { FloatArray } from '../backend/backend.js';
import { Tensor } from '../core/tensor.js';
import type { Layer } from '../layers/layer.js';
import type { Loss, Targets } from '../losses/losses.js';
import { DataError, ShapeError } from '../core/errors.js';

export function checkInputs(x: unknown, firstLayer: Layer, inputShape: readonly number[], method: string): Tensor {
  if (!(x instanceof Tensor)) {
    throw new DataError(`${method}() expects x as a Tensor (convkit.tensor(data, [N, ${inputShape.join(', ')}])); received ${describe(x)}.`);
  }
  const expected = [x.shape[0], ...inputShape];
  const matches = x.shape.length === expected.length && x.shape.every((d, i) => d === expected[i]);
  if (!matches) {
    const rank = inputShape.length + 1;
    const what = rank === 4 ? ' (batch, height, width, channels)' : rank === 2 ? ' (batch, features)' : '';
    throw new ShapeError(
      `${firstLayer.className} layer "${firstLayer.name}" expects input of rank ${rank}${what} and shape [N, ${inputShape.join(', ')}]; ` +
        `received shape [${x.shape.join(', ')}]. Reshape the data to [${x.shape[0]}, ${inputShape.join(', ')}].`,
    );
  }
  if (x.shape[0] === 0) throw new DataError(`${method}() received no samples (x has shape [${x.shape.join(', ')}]).`);
  return x;
}

/**
 * Targets for a loss: class indices for sparse losses (integers in [0, classes)),
 * rows of `classes` values for categorical ones. Returns the typed array the loss reads.
 */
export function checkTargets(y: unknown, loss: Loss, samples: number, classes: number, method: string): Targets {
  if (loss.sparse) {
    const labels = y instanceof Int32Array ? y : toInt32(y, method);
    if (labels.length !== samples) {
      throw new DataError(`${method}() received ${samples} inputs but ${labels.length} labels; they must be the same number.`);
    }
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (!(label >= 0 && label < classes && Number.isInteger(label))) {
        throw new DataError(
          `${method}(): label at index ${i} is ${label}, outside [0, ${classes - 1}] for a model with ${classes} output classes. ` +
            `Use class indices 0..${classes - 1}, or give the last Dense layer more units.`,
        );
      }
    }
    return labels;
  }
  if (!loss.fusesWithSoftmax) return valueTargets(y, loss, samples, classes, method);
  if (!(y instanceof Tensor)) {
    throw new DataError(`${method}() with loss '${loss.name}' expects y as a Tensor of shape [N, ${classes}] (one-hot rows); received ${describe(y)}. For class indices use 'sparse_categorical_crossentropy'.`);
  }
  if (y.shape.length !== 2 || y.shape[0] !== samples || y.shape[1] !== classes) {
    throw new ShapeError(`${method}() with loss '${loss.name}' expects y of shape [${samples}, ${classes}]; received [${y.shape.join(', ')}].`);
  }
  return y.data as FloatArray;
}

/**
 * Targets of binary_crossentropy, mse and mae: one value per output, as a Tensor
 * of shape [N, ...outputShape] (or [N] for a single output, as Keras accepts),
 * or a flat Float32Array / number[] of N x outputs values.
 */
function valueTargets(y: unknown, loss: Loss, samples: number, outputs: number, method: string): FloatArray {
  const expected = samples * outputs;
  if (y instanceof Tensor) {
    const perSample = y.shape.slice(1).reduce((a, b) => a * b, 1);
    if (y.shape[0] !== samples || perSample !== outputs) {
      throw new ShapeError(`${method}() with loss '${loss.name}' expects y of shape [${samples}, ${outputs}] (one target per output); received [${y.shape.join(', ')}].`);
    }
    return y.data as FloatArray;
  }
  if (Array.isArray(y) || y instanceof Float32Array || y instanceof Float64Array) {
    if (y.length !== expected) {
      throw new DataError(`${method}() with loss '${loss.name}' expects ${expected} targets (${samples} samples x ${outputs} outputs); received ${y.length}.`);
    }
    if (y instanceof Float32Array || y instanceof Float64Array) return y;
    const values = Float32Array.from(y as number[]);
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new DataError(`${method}(): target at index ${i} is ${String(y[i])}; expected a finite number.`);
    });
    return values;
  }
  throw new DataError(`${method}() with loss '${loss.name}' expects y as a Tensor of shape [N, ${outputs}] or ${expected} numbers; received ${describe(y)}.`);
}

function toInt32(y: unknown, method: string): Int32Array {
  if (Array.isArray(y) || ArrayBuffer.isView(y)) {
    const values = Array.from(y as ArrayLike<number>);
    const labels = new Int32Array(values.length);
    values.forEach((v, i) => {
      // v !== (v | 0) rejects integers outside int32, which Int32Array would wrap (2^32 + 1 -> class 1).
      if (!Number.isInteger(v) || v !== (v | 0)) throw new DataError(`${method}(): label at index ${i} is ${v}; expected an integer class index.`);
      labels[i] = v;
    });
    return labels;
  }
  if (y instanceof Tensor) return toInt32(y.data, method);
  throw new DataError(`${method}() expects y as class indices (Int32Array or number[]); received ${describe(y)}.`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value instanceof Tensor) return `a Tensor of shape [${value.shape.join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}
