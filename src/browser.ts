/**
 * convkit's browser entry (package subpath convkit/browser): the part of the
 * library that imports nothing Node-only, so a page can bundle it. Models are
 * built, decoded from model-file bytes and run on the reference backend (plain
 * TypeScript); files, the native addon, MNIST loading and the CLI stay in the
 * Node entry (./index.ts). test/browser-bundle.test.ts bundles this file for
 * the browser and fails on any Node builtin in its import graph.
 */
export { Sequential, type SequentialOptions, type CompileOptions } from './model/sequential.js';
export type { FitOptions } from './model/fit.js';
export { History, type Callback, type Logs } from './model/callbacks.js';
export * as layers from './layers/index.js';
export { Adam, SGD, RMSprop, Optimizer } from './optimizers/optimizer.js';
export { Tensor, tensor } from './core/tensor.js';
export { Random } from './core/random.js';
export { ConvkitError, ShapeError, ConfigError, ModelFileError, DataError } from './core/errors.js';
export type { Backend, FloatArray } from './backend/backend.js';
export { referenceBackend } from './backend/select-backend.js';
export { receptiveFields, unitReceptiveField, type ReceptiveField, type UnitField } from './model/receptive-field.js';
export { layerOutputs, type LayerOutput } from './model/layer-outputs.js';
export { modelView, imageShape, type ModelView, type LayerView, type KernelView } from './model/model-view.js';
export { divergingRgb } from './core/colour-map.js';
export { decodeModel, encodeModel, type LoadedModelFile, type LoadOptions, type SaveOptions } from './io/model-codec.js';
export { encodeSafetensors, decodeSafetensors, SafetensorsError, type NamedTensor, type SafetensorsContent } from './io/safetensors.js';
export { confusionReport, type ConfusionReport } from './metrics/confusion-matrix.js';
