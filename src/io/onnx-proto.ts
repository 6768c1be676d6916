/**
 * The part of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto,
 * proto2, IR version 7+) that a convkit export writes, as a protobufjs JSON
 * descriptor, and the encoder for ModelProto. Field numbers are copied from
 * the public spec; fields convkit never writes are left out (a decoder skips
 * absent fields, so the bytes are a valid ModelProto).
 *
 * Enums (TensorProto.DataType, AttributeProto.AttributeType) are declared as
 * int32: the same varint on the wire, with the values as constants below.
 * Repeated scalars are unpacked, as proto2 writes them (parsers accept both).
 */
import protobuf from 'protobufjs/light.js';
import { ConvkitError } from '../core/errors.js';

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export const ATTRIBUTE_FLOAT = 1;
export const ATTRIBUTE_INT = 2;
export const ATTRIBUTE_INTS = 7;

const unpacked = { packed: false };

const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            modelVersion: { type: 'int64', id: 5 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            docString: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            ints: { rule: 'repeated', type: 'int64', id: 8, options: unpacked },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1, options: unpacked },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: {
          fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } },
        },
        // TypeProto.Tensor in onnx.proto; a nested message needs no nesting on the wire.
        TypeProtoTensor: { fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'TensorShapeDimension', id: 1 } } },
        // TensorShapeProto.Dimension: oneof value { dim_value = 1; dim_param = 2; }.
        TensorShapeDimension: { fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } } },
      },
    },
  },
};

/** One dimension: a size, or a name for a size chosen at run time (the batch). */
export type OnnxDim = number | string;

export interface OnnxAttribute { name: string; type: number; i?: number; f?: number; ints?: number[] }
export interface OnnxNode { name: string; opType: string; input: string[]; output: string[]; attribute?: OnnxAttribute[] }
export interface OnnxTensor { name: string; dims: number[]; dataType: number; rawData: Uint8Array }
export interface OnnxValueInfo { name: string; type: { tensorType: { elemType: number; shape: { dim: ({ dimValue: number } | { dimParam: string })[] } } } }
export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsetImport: { domain: string; version: number }[];
  graph: { name: string; node: OnnxNode[]; initializer: OnnxTensor[]; input: OnnxValueInfo[]; output: OnnxValueInfo[] };
  metadataProps?: { key: string; value: string }[];
}

let modelType: protobuf.Type | undefined;

/** A float32 tensor value description with named (symbolic) or fixed dimensions. */
export function valueInfo(name: string, dims: readonly OnnxDim[]): OnnxValueInfo {
  return {
    name,
    type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** ModelProto bytes. protobufjs verifies the object against the descriptor first, so a wrong field fails here, not in a runtime. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  modelType ??= protobuf.Root.fromJSON(descriptor).lookupType('onnx.ModelProto');
  const problem = modelType.verify(model);
  if (problem) throw new ConvkitError(`ONNX export produced an invalid ModelProto (${problem}); this is a convkit bug.`);
  return modelType.encode(modelType.fromObject(model)).finish();
}
