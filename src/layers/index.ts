/** Layer factories in the TF.js style (layers.conv2d({...})) plus the classes. */
import { Activation, type ActivationOptions } from './activation.js';
import { Conv2D, type Conv2DOptions } from './conv2d.js';
import { Dense, type DenseOptions } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten } from './flatten.js';
import { MaxPooling2D, type MaxPooling2DOptions } from './max-pooling2d.js';
import { LeakyReLU, type LeakyReLUOptions } from './leaky-relu.js';
import { InputLayer, type InputOptions } from './input-layer.js';
import { Reshape, type ReshapeOptions } from './reshape.js';
import { AveragePooling2D, type AveragePooling2DOptions } from './average-pooling2d.js';
import { BatchNormalization, type BatchNormalizationOptions } from './batch-normalization.js';
import { GlobalAveragePooling2D, type GlobalPooling2DOptions } from './global-average-pooling2d.js';
import { GlobalMaxPooling2D } from './global-max-pooling2d.js';

export { Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, LeakyReLU, InputLayer, Reshape };
export { AveragePooling2D, BatchNormalization, GlobalAveragePooling2D, GlobalMaxPooling2D };
export type { ActivationOptions, Conv2DOptions, DenseOptions, MaxPooling2DOptions, LeakyReLUOptions, InputOptions, ReshapeOptions };
export type { AveragePooling2DOptions, BatchNormalizationOptions, GlobalPooling2DOptions };
export { Layer, type Weight, type LayerDetails, type LayerPlan } from './layer.js';

export const conv2d = (options: Conv2DOptions): Conv2D => new Conv2D(options);
export const maxPooling2d = (options: MaxPooling2DOptions = {}): MaxPooling2D => new MaxPooling2D(options);
export const flatten = (options: { inputShape?: readonly number[]; name?: string } = {}): Flatten => new Flatten(options);
export const dense = (options: DenseOptions): Dense => new Dense(options);
export const dropout = (options: { rate: number; name?: string }): Dropout => new Dropout(options);
export const activation = (options: ConstructorParameters<typeof Activation>[0]): Activation => new Activation(options);
/** Keras's LeakyReLU layer (slope 0.3 by default); the 'leaky_relu' activation name is slope 0.2. */
export const leakyReLU = (options: LeakyReLUOptions = {}): LeakyReLU => new LeakyReLU(options);
/** The model's input, first in a Sequential list: Keras's keras.Input(shape=(28, 28, 1)). */
export const input = (options: InputOptions): InputLayer => new InputLayer(options);
export const reshape = (options: ReshapeOptions): Reshape => new Reshape(options);
export const batchNormalization = (options: BatchNormalizationOptions = {}): BatchNormalization => new BatchNormalization(options);
export const averagePooling2d = (options: AveragePooling2DOptions = {}): AveragePooling2D => new AveragePooling2D(options);
export const globalAveragePooling2d = (options: GlobalPooling2DOptions = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(options);
export const globalMaxPooling2d = (options: GlobalPooling2DOptions = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(options);
