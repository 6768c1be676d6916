/**
 * POST /api/predict: one drawing through the current model, answered with the
 * class probabilities and the output of every layer whose output is a map
 * ([h, w, c]: conv, pool), base64 Float32 as the contract says.
 */
import { shapeSize } from '../../../core/tensor.js';
import type { Sequential } from '../../../model/sequential.js';
import { float32Base64 } from './base64.js';
import { HttpError } from './http-error.js';
import { layerOutputs } from './model-probe.js';

export interface PredictAnswer {
  probabilities: number[];
  predicted: number;
  elapsedMs: number;
  activations: Array<{ layer: string; shape: number[]; base64: string }>;
}

/** body.pixels as the model's input: a list of exactly h*w*c finite numbers. */
export function drawingPixels(body: Record<string, unknown>, model: Sequential): Float32Array {
  const wanted = shapeSize(model.inputShape);
  const pixels = body.pixels;
  if (!Array.isArray(pixels)) {
    throw new HttpError(400, `"pixels" must be a list of ${wanted} numbers (h*w*c = ${model.inputShape.join('*')}, 0..1); received ${pixels === undefined ? 'no "pixels"' : typeof pixels}.`);
  }
  if (pixels.length !== wanted) throw new HttpError(400, `"pixels" must hold ${wanted} numbers (h*w*c = ${model.inputShape.join('*')}); received ${pixels.length}.`);
  const input = new Float32Array(wanted);
  for (let i = 0; i < wanted; i++) {
    const value = pixels[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new HttpError(400, `"pixels" must hold finite numbers; item ${i} is ${JSON.stringify(value)}.`);
    input[i] = value;
  }
  return input;
}

export function predictDrawing(model: Sequential, input: Float32Array): PredictAnswer {
  const started = performance.now();
  const outputs = layerOutputs(model, input);
  const last = outputs[outputs.length - 1].data;
  let predicted = 0;
  for (let i = 1; i < last.length; i++) if (last[i] > last[predicted]) predicted = i;
  const activations = outputs.filter((o) => o.shape.length === 3).map((o) => ({ layer: o.name, shape: o.shape, base64: float32Base64(o.data) }));
  return { probabilities: Array.from(last), predicted, elapsedMs: performance.now() - started, activations };
}
