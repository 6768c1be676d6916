/**
 * FLOP counts used by summary and the benchmark (a multiply-add counts 2).
 * Training = forward + parameter gradients (same cost as forward for conv and
 * dense) + input gradients (same again, except for the first layer, whose
 * input gradient is never computed). Pooling and activations are counted in
 * forward only; they are memory-bound and small.
 */
import { AffineLayer } from '../layers/affine-layer.js';
import type { Sequential } from './sequential.js';

export function forwardFlopsPerSample(model: Sequential): number {
  return model.layers.reduce((sum, layer) => sum + layer.details().flops, 0);
}

export function trainingFlopsPerSample(model: Sequential): number {
  let total = 0;
  model.layers.forEach((layer, index) => {
    const flops = layer.details().flops;
    total += flops;
    if (layer instanceof AffineLayer) total += index === 0 ? flops : 2 * flops;
  });
  return total;
}
