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
import type { OnnxAttributeValue, OnnxGraph } from '../layers/layer-descriptor.js';
import { descriptorOf } from '../layers/registry.js';
import type { Sequential } from '../model/sequential.js';
import { writeExportFiles } from './export-folder.js';
import {
  ATTRIBUTE_FLOAT, ATTRIBUTE_INT, ATTRIBUTE_INTS, encodeOnnxModel, ONNX_FLOAT, valueInfo,
  type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor,
} from './onnx-proto.js';
import { checkExportable, checkExportWeights, float32LittleEndian, type ExportOptions } from './export-common.js';
import { ModelFileError } from '../core/errors.js';

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

function floatTensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTensor {
  const rawData = new Uint8Array(values.length * 4);
  float32LittleEndian(values, rawData, 0);
  return { name, dims: [...dims], dataType: ONNX_FLOAT, rawData };
}

function attribute(value: OnnxAttributeValue): OnnxAttribute {
  if ('ints' in value) return ints(value.name, [...value.ints]);
  return 'float' in value ? { name: value.name, type: ATTRIBUTE_FLOAT, f: value.float } : { name: value.name, type: ATTRIBUTE_INT, i: value.int };
}

/** Builds the node list while tracking the current tensor name and layout; each layer's descriptor writes into it. */
class GraphBuilder implements OnnxGraph {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  current = ONNX_INPUT;
  layout: 'NHWC' | 'NCHW' = 'NHWC';

  add(name: string, opType: string, inputs: readonly string[], attributes?: readonly OnnxAttributeValue[]): void {
    const output = `${name}:0`;
    const node: OnnxNode = { name, opType, input: [this.current, ...inputs], output: [output] };
    if (attributes) node.attribute = attributes.map(attribute);
    this.nodes.push(node);
    this.current = output;
  }

  addInitializer(name: string, dims: readonly number[], values: ArrayLike<number>): void {
    this.initializers.push(floatTensor(name, dims, values));
  }

  toLayout(layout: 'NHWC' | 'NCHW', name: string): void {
    if (this.layout === layout) return;
    this.add(name, 'Transpose', [], [{ name: 'perm', ints: layout === 'NCHW' ? TO_NCHW : TO_NHWC }]);
    this.layout = layout;
  }
}

/** The ONNX ModelProto object for a built float32 model (encodeOnnxModel turns it into bytes). */
export function onnxModel(model: Sequential): OnnxModel {
  checkExportable(model, 'ONNX');
  const g = new GraphBuilder();
  for (const layer of model.layers) {
    const descriptor = descriptorOf(layer);
    if (!descriptor) throw new ModelFileError(`ONNX export has no mapping for layer "${layer.name}" (${layer.className}).`);
    descriptor.onnx(layer, g);
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
export async function exportOnnx(model: Sequential, dir: string, options: ExportOptions = {}): Promise<string> {
  checkExportWeights(model, 'ONNX', options);
  await writeExportFiles(dir, [[ONNX_MODEL_FILE, encodeOnnx(model)]], options);
  return join(dir, ONNX_MODEL_FILE);
}
