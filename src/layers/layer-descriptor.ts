/**
 * What a layer class says about itself, once, next to the class: its Keras
 * class name, its config keys with their Keras / TF.js names and defaults, the
 * Keras keys it only checks, how to construct it from checked options, and
 * how it becomes ONNX nodes. Model files (io/layer-allowlist.ts), TF.js import
 * and export (io/tfjs-layer-config.ts) and ONNX export (io/onnx-export.ts)
 * read these records; registry.ts lists the classes that have one. The weights
 * a layer allocates for an input shape stay its plan() method, which build()
 * follows and the model-file loader checks a file against.
 */
import { windowGeometry, type Padding } from '../core/conv-geometry.js';
import type { Layer } from './layer.js';
import { LEAKY_RELU_SLOPE } from '../backend/backend.js';

/** One constructor option: its convkit name (as getConfig() writes it) and its Keras / TF.js config name. */
export interface ConfigKey {
  readonly name: string;
  readonly keras: string;
  /** The value a layer gets when the option is absent (the same as Keras's); undefined when it is required or follows another option. */
  readonly default?: unknown;
  /** Other Keras names read for it on import (Keras 3 renamed some: LeakyReLU's alpha is negative_slope); export writes `keras`. */
  readonly kerasAliases?: readonly string[];
}

/** A Keras key convkit reads only to check it holds the one value convkit implements, and writes with that value. */
export interface FixedKerasKey {
  readonly keras: string;
  readonly exported: unknown;
  ok(value: unknown): boolean;
  /** What `ok` accepts, for the error: "'channels_last' (convkit is NHWC)". */
  readonly expected: string;
}

/** An ONNX attribute as an emitter writes it: a list of integers, one integer or one float. */
export type OnnxAttributeValue =
  | { readonly name: string; readonly ints: readonly number[] }
  | { readonly name: string; readonly int: number }
  | { readonly name: string; readonly float: number };

/**
 * The graph an ONNX emitter writes into (io/onnx-export.ts builds it): nodes
 * chain, each taking the current tensor as its first input. Conv and MaxPool
 * need NCHW; Flatten and Gemm see NHWC.
 */
export interface OnnxGraph {
  readonly layout: 'NHWC' | 'NCHW';
  /** The name of the current tensor, for a node that reads it again later (swish's x * sigmoid(x)). */
  readonly current: string;
  /** Inserts a Transpose named `name` when the current tensor is in the other layout. */
  toLayout(layout: 'NHWC' | 'NCHW', name: string): void;
  /** Appends a node: its inputs are the current tensor, then `inputs`; its output becomes the current tensor. */
  add(name: string, opType: string, inputs: readonly string[], attributes?: readonly OnnxAttributeValue[]): void;
  /** A float32 constant (a weight), referenced by name from a node's inputs. */
  addInitializer(name: string, dims: readonly number[], values: ArrayLike<number>): void;
  /** An int64 constant (a shape, as Reshape takes it). */
  addInt64Initializer(name: string, dims: readonly number[], values: readonly number[]): void;
}

export interface LayerDescriptor<L extends Layer = Layer> {
  /** The Keras class name, as model files, TF.js and Keras write it. */
  readonly className: string;
  /** Every constructor option but inputShape, which every layer takes (Keras's batch_input_shape). */
  readonly config: readonly ConfigKey[];
  /** Keras keys checked to hold the value convkit implements (data_format, dilation_rate ...). */
  readonly fixed: readonly FixedKerasKey[];
  /** Keras keys written on export only: initializers, regularizers, constraints (read back as inert). */
  readonly kerasExtras?: Readonly<Record<string, unknown>>;
  /** Keras's input_dim, a 1-D layer's way of declaring the input shape (Dense). */
  readonly kerasInputDim?: boolean;
  /** Options of a typical layer, required ones included: test/layer-registry.test.ts builds each registered class from it. */
  readonly example: Readonly<Record<string, unknown>>;
  /** Creates the layer from options holding only `config` keys and inputShape; the constructor checks every value. */
  create(options: Record<string, unknown>): L;
  /** Appends this layer's ONNX nodes (none for a layer that is the identity at inference, as Dropout). */
  onnx(layer: L, graph: OnnxGraph): void;
}

/** Keras' data_format where convkit is channels-last only. */
export const CHANNELS_LAST: FixedKerasKey = {
  keras: 'data_format', exported: 'channels_last', ok: (v) => v === 'channels_last' || v === null, expected: "'channels_last' (convkit is NHWC)",
};

/** The initializer, regularizer and constraint keys of a Keras layer with a kernel and a bias, as convkit exports them. */
export const KERNEL_AND_BIAS_EXTRAS: Readonly<Record<string, unknown>> = {
  kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
  bias_initializer: { class_name: 'Zeros', config: {} },
  kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
};

/**
 * The ONNX nodes of an element-wise activation (nothing for linear); softmax
 * runs over the channels. Opset 13 has no Gelu or Swish: gelu is written as
 * x * (1 + Erf(x / sqrt 2)) / 2 (exact, as convkit computes it) and swish as
 * x * Sigmoid(x). Checked against onnxruntime-node: test/io/onnx-export.test.ts.
 */
export function onnxActivation(graph: OnnxGraph, name: string, activation: string): void {
  const single = ({ relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax', elu: 'Elu' } as Record<string, string | undefined>)[activation];
  if (single) {
    // convkit applies softmax over the last NHWC axis: the channels, axis 1 in NCHW. Elu's default alpha is 1, convkit's.
    graph.add(`${name}/${single}`, single, [], single === 'Softmax' ? [{ name: 'axis', int: graph.layout === 'NCHW' ? 1 : -1 }] : undefined);
  } else if (activation === 'leaky_relu') {
    graph.add(`${name}/LeakyRelu`, 'LeakyRelu', [], [{ name: 'alpha', float: LEAKY_RELU_SLOPE }]);
  } else if (activation === 'swish') {
    const x = graph.current;
    graph.add(`${name}/Sigmoid`, 'Sigmoid', []);
    graph.add(`${name}/Mul`, 'Mul', [x]);
  } else if (activation === 'gelu') {
    const x = graph.current;
    graph.addInitializer(`${name}/gelu/sqrt2`, [], [Math.SQRT2]);
    graph.addInitializer(`${name}/gelu/one`, [], [1]);
    graph.addInitializer(`${name}/gelu/half`, [], [0.5]);
    graph.add(`${name}/gelu/Div`, 'Div', [`${name}/gelu/sqrt2`]);
    graph.add(`${name}/gelu/Erf`, 'Erf', []);
    graph.add(`${name}/gelu/Add`, 'Add', [`${name}/gelu/one`]);
    graph.add(`${name}/gelu/Mul`, 'Mul', [x]);
    graph.add(`${name}/gelu/Half`, 'Mul', [`${name}/gelu/half`]);
  }
}

/** ONNX pads [top, left, bottom, right] from convkit's own geometry of the two spatial axes (never auto_pad). */
export function onnxPads(inputShape: readonly number[], window: readonly [number, number], strides: readonly [number, number], padding: Padding): number[] {
  const rows = windowGeometry(inputShape[0], window[0], strides[0], padding);
  const cols = windowGeometry(inputShape[1], window[1], strides[1], padding);
  return [rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter];
}
