/**
 * Export to ONNX (opset 13), runnable by ONNX Runtime and other engines.
 *
 * The graph takes convkit's NHWC input [N, H, W, C] (N symbolic) and gives its
 * output, so callers feed exactly what convkit's predict() takes. ONNX Conv and
 * MaxPool are NCHW-only: the graph transposes to NCHW before the first of them
 * and back to NHWC before Flatten (and at the end if still NCHW). Transposing
 * back, rather than permuting the rows of the first Dense kernel to NCHW
 * flatten order, keeps every Dense kernel exactly as Keras and convkit hold it
 * and works whatever follows the Flatten; it costs one small copy per image.
 * Dense is Gemm with the [IN, OUT] kernel as is (transB 0). Padding is the
 * explicit pads convkit's own geometry computes (odd pixel after, as TF), never
 * auto_pad, so both sides cannot disagree. Dropout is the identity at inference
 * and emits nothing. N batch, H, W, C channels, OC output channels.
 */
import { join } from 'node:path';
import { windowGeometry, type Padding } from '../core/conv-geometry.js';
import type { Conv2D } from '../layers/conv2d.js';
import type { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import type { MaxPooling2D } from '../layers/max-pooling2d.js';
import type { Sequential } from '../model/sequential.js';
import { writeExportFiles } from './export-folder.js';
import {
  ATTRIBUTE_INT, ATTRIBUTE_INTS, encodeOnnxModel, ONNX_FLOAT, valueInfo,
  type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor,
} from './onnx-proto.js';
import { checkExportable, float32LittleEndian } from './export-common.js';

export const ONNX_MODEL_FILE = 'model.onnx';
export const ONNX_OPSET = 13;
/** IR version 7 is the one that introduced opset 13; every runtime reading opset 13 reads it. */
const ONNX_IR_VERSION = 7;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

function ints(name: string, values: number[]): OnnxAttribute {
  return { name, type: ATTRIBUTE_INTS, ints: values };
}

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  const rawData = new Uint8Array(values.length * 4);
  float32LittleEndian(values, rawData, 0);
  return { name, dims, dataType: ONNX_FLOAT, rawData };
}

/** Keras conv kernel [KH, KW, C, OC] -> ONNX weight [OC, C, KH, KW]. */
function toOihw(kernel: ArrayLike<number>, kh: number, kw: number, c: number, oc: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let ci = 0; ci < c; ci++) {
        for (let o = 0; o < oc; o++) out[((o * c + ci) * kh + y) * kw + x] = kernel[((y * kw + x) * c + ci) * oc + o];
      }
    }
  }
  return out;
}

/** Builds the node list while tracking the current tensor name and layout. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  current = ONNX_INPUT;
  layout: 'NHWC' | 'NCHW' = 'NHWC';

  add(name: string, opType: string, inputs: string[], attribute?: OnnxAttribute[]): void {
    const output = `${name}:0`;
    this.nodes.push({ name, opType, input: [this.current, ...inputs], output: [output], ...(attribute ? { attribute } : {}) });
    this.current = output;
  }

  toLayout(layout: 'NHWC' | 'NCHW', name: string): void {
    if (this.layout === layout) return;
    this.add(name, 'Transpose', [], [ints('perm', layout === 'NCHW' ? TO_NCHW : TO_NHWC)]);
    this.layout = layout;
  }

  activation(layer: Layer & { activation: string }): void {
    const op = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax', linear: undefined }[layer.activation];
    if (!op) return;
    // convkit applies softmax over the last NHWC axis: the channels, axis 1 in NCHW.
    const attribute = op === 'Softmax' ? [{ name: 'axis', type: ATTRIBUTE_INT, i: this.layout === 'NCHW' ? 1 : -1 }] : undefined;
    this.add(`${layer.name}/${op}`, op, [], attribute);
  }
}

/** ONNX pads [top, left, bottom, right] from convkit's geometry of the two spatial axes. */
function pads(inputShape: readonly number[], window: [number, number], strides: [number, number], padding: Padding): number[] {
  const rows = windowGeometry(inputShape[0], window[0], strides[0], padding);
  const cols = windowGeometry(inputShape[1], window[1], strides[1], padding);
  return [rows.padBefore, cols.padBefore, rows.padAfter, cols.padAfter];
}

function addConv(g: GraphBuilder, layer: Conv2D): void {
  const c = layer.inputShape[2];
  const [kh, kw] = layer.kernelSize;
  const [sh, sw] = layer.strides;
  g.toLayout('NCHW', `${layer.name}/to_nchw`);
  const [kernel, bias] = layer.weights();
  g.initializers.push(floatTensor(kernel.name, [layer.filters, c, kh, kw], toOihw(kernel.value, kh, kw, c, layer.filters)));
  if (bias) g.initializers.push(floatTensor(bias.name, [layer.filters], bias.value));
  g.add(`${layer.name}/Conv`, 'Conv', bias ? [kernel.name, bias.name] : [kernel.name], [
    ints('kernel_shape', [kh, kw]), ints('strides', [sh, sw]), ints('dilations', [1, 1]),
    ints('pads', pads(layer.inputShape, layer.kernelSize, layer.strides, layer.padding)),
  ]);
  g.activation(layer);
}

function addMaxPool(g: GraphBuilder, layer: MaxPooling2D): void {
  g.toLayout('NCHW', `${layer.name}/to_nchw`);
  // ONNX MaxPool ignores padded cells, as TF's 'same' max pooling does.
  g.add(`${layer.name}/MaxPool`, 'MaxPool', [], [
    ints('kernel_shape', layer.poolSize), ints('strides', layer.strides), ints('pads', pads(layer.inputShape, layer.poolSize, layer.strides, layer.padding)),
  ]);
}

function addDense(g: GraphBuilder, layer: Dense): void {
  const [kernel, bias] = layer.weights();
  g.initializers.push(floatTensor(kernel.name, [...kernel.shape], kernel.value));
  if (bias) g.initializers.push(floatTensor(bias.name, [...bias.shape], bias.value));
  g.add(`${layer.name}/Gemm`, 'Gemm', bias ? [kernel.name, bias.name] : [kernel.name]);
  g.activation(layer);
}

/** The ONNX ModelProto object for a built float32 model (encodeOnnxModel turns it into bytes). */
export function onnxModel(model: Sequential): OnnxModel {
  checkExportable(model, 'ONNX');
  const g = new GraphBuilder();
  for (const layer of model.layers) {
    switch (layer.className) {
      case 'Conv2D': addConv(g, layer as Conv2D); break;
      case 'MaxPooling2D': addMaxPool(g, layer as MaxPooling2D); break;
      case 'Flatten':
        // NHWC first, so the flattened order is Keras' (h, w, c) and the Dense kernels apply unchanged.
        g.toLayout('NHWC', `${layer.name}/to_nhwc`);
        g.add(`${layer.name}/Flatten`, 'Flatten', [], [{ name: 'axis', type: ATTRIBUTE_INT, i: 1 }]);
        break;
      case 'Dense': addDense(g, layer as Dense); break;
      case 'Dropout': break;
      default: throw new Error(`ONNX export has no mapping for layer "${layer.name}" (${layer.className}).`);
    }
  }
  g.toLayout('NHWC', 'output/to_nhwc');
  // The graph's output gets a stable name; a model of Dropout layers alone still needs one node.
  if (g.nodes.length === 0) g.add('output/Identity', 'Identity', []);
  g.nodes[g.nodes.length - 1].output = [ONNX_OUTPUT];
  return {
    irVersion: ONNX_IR_VERSION,
    producerName: 'convkit',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph: {
      name: model.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(ONNX_INPUT, ['N', ...model.inputShape])],
      output: [valueInfo(ONNX_OUTPUT, ['N', ...model.outputShape])],
    },
    metadataProps: [{ key: 'layout', value: 'input and output are NHWC (channels last), as in convkit and Keras' }],
  };
}

/** The model as .onnx bytes. */
export function encodeOnnx(model: Sequential): Uint8Array {
  return encodeOnnxModel(onnxModel(model));
}

/** Writes model.onnx into `dir` (see writeExportFiles for the folder rules); returns its path. */
export async function exportOnnx(model: Sequential, dir: string, options: { force?: boolean } = {}): Promise<string> {
  await writeExportFiles(dir, [[ONNX_MODEL_FILE, encodeOnnx(model)]], options);
  return join(dir, ONNX_MODEL_FILE);
}
