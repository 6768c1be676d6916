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

/** One constructor option: its convkit name (as getConfig() writes it) and its Keras / TF.js config name. */
export interface ConfigKey {
  readonly name: string;
  readonly keras: string;
  /** The value a layer gets when the option is absent (the same as Keras's); undefined when it is required or follows another option. */
  readonly default?: unknown;
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
  /** Inserts a Transpose named `name` when the current tensor is in the other layout. */
  toLayout(layout: 'NHWC' | 'NCHW', name: string): void;
  /** Appends a node: its inputs are the current tensor, then `inputs`; its output becomes the current tensor. */
  add(name: string, opType: string, inputs: readonly string[], attributes?: readonly OnnxAttributeValue[]): void;
  /** A float32 constant (a weight), referenced by name from a node's inputs. */
  addInitializer(name: string, dims: readonly number[], values: ArrayLike<number>): void;
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

/** The ONNX node of an element-wise activation (nothing for linear); softmax runs over the channels. */
export function onnxActivation(graph: OnnxGraph, name: string, activation: string): void {
  const op = ({ relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax' } as Record<string, string | undefined>)[activation];
  if (!op) return;
  // convkit applies softmax over the last NHWC axis: the channels, axis 1 in NCHW.
  graph.add(`${name}/${op}`, op, [], op === 'Softmax' ? [{ name: 'axis', int: graph.layout === 'NCHW' ? 1 : -1 }] : undefined);
}

/** ONNX pads [top, left, bottom, right] from convkit's own geometry of the two spatial axes (never auto_pad). */
export function onnxPads(inputShape: readonly number[], window: readonly [number, number], strides: readonly [number, number], padding: Padding): number[] {
  const rows = windowGeometry(inputShape[0], window[0], strides[0], padding);
  const cols = windowGeometry(inputShape[1], window[1], strides[1], padding);
  return [rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter];
}
