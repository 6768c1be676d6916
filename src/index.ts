/** convkit public API: Keras-shaped model building, training and inspection. */
export { Sequential, type SequentialOptions, type CompileOptions } from './model/sequential.js';
export type { FitOptions } from './model/fit.js';
export { History, type Callback, type Logs } from './model/callbacks.js';
export * as layers from './layers/index.js';
export { Adam, SGD, RMSprop, Optimizer } from './optimizers/optimizer.js';
export { Tensor, tensor } from './core/tensor.js';
export { Random } from './core/random.js';
export type { Backend, FloatArray } from './backend/backend.js';
export { resolveBackend, referenceBackend, type BackendChoice } from './backend/select-backend.js';
export { receptiveFields } from './model/receptive-field.js';
export { loadModel, loadModelFile, type LoadedModelFile, type LoadOptions, type SaveOptions } from './io/model-file.js';
export { encodeSafetensors, decodeSafetensors, SafetensorsError, type NamedTensor, type SafetensorsContent } from './io/safetensors.js';
export { LearningRateScheduler, cosineDecay, type Schedule } from './model/learning-rate-scheduler.js';
export { EarlyStopping, type EarlyStoppingOptions } from './model/callbacks/early-stopping.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model/callbacks/model-checkpoint.js';
export { TerminateOnNaN, type NonFiniteLoss } from './model/callbacks/terminate-on-nan.js';
export { CSVLogger, type CSVLoggerOptions } from './model/callbacks/csv-logger.js';
