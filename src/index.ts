/**
 * convkit's library API: Keras-shaped model building, training, model files
 * and export. The apps have their own entry points (package.json "exports"):
 * convkit/lab (the MNIST lab's models and recipes) and convkit/malware
 * (binary-to-image conversion and family classification), and convkit/browser
 * (./browser.ts: the Node-free part of this API, for a page to bundle).
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
export { resolveBackend, referenceBackend, type BackendChoice } from './backend/select-backend.js';
export { loadNativeBackend, type NativeBackend, type IsaChoice, type NativeIsa, type WinogradTile } from './backend/native/index.js';
export { receptiveFields, unitReceptiveField, type ReceptiveField, type UnitField } from './model/receptive-field.js';
export { layerOutputs, type LayerOutput } from './model/layer-outputs.js';
export { modelView, imageShape, type ModelView, type LayerView, type KernelView } from './model/model-view.js';
export { divergingRgb } from './core/colour-map.js';
export type { ExecutionPlan, StepDecision } from './model/plan/execution-plan.js';
export { loadModel, loadModelFile, saveModel, decodeModel, encodeModel, type LoadedModelFile, type LoadOptions, type SaveOptions } from './io/model-file.js';
export { exportTfjs, tfjsArtifacts, type TfjsArtifacts } from './io/tfjs-export.js';
export { loadTfjsModel, type TfjsLoadOptions } from './io/tfjs-import.js';
export { exportOnnx, encodeOnnx } from './io/onnx-export.js';
export type { ExportOptions } from './io/export-common.js';
export { encodeSafetensors, decodeSafetensors, SafetensorsError, type NamedTensor, type SafetensorsContent } from './io/safetensors.js';
export { LearningRateScheduler, WarmupCosineScheduler, cosineDecay, warmupCosineRate, type Schedule, type WarmupCosineOptions } from './model/learning-rate-scheduler.js';
export { EarlyStopping, type EarlyStoppingOptions } from './model/callbacks/early-stopping.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './io/model-checkpoint.js';
export { TerminateOnNaN, type NonFiniteLoss } from './model/callbacks/terminate-on-nan.js';
export { CSVLogger, type CSVLoggerOptions } from './io/csv-logger.js';
export { loadMnist, loadIdxDataset, type MnistData, type ImageSet } from './data/mnist.js';
export { parseIdx, readIdxFile, encodeIdx, writeIdxFile, IdxFormatError } from './data/idx.js';
export { confusionReport, type ConfusionReport } from './metrics/confusion-matrix.js';
export { trainingFlopsPerSample, forwardFlopsPerSample } from './model/flops.js';
