/**
 * Where a training step's time goes: wraps every backend kernel with a timer,
 * trains the lab CNN on a slice of MNIST, and prints time and GFLOPS per
 * kernel call site (for convolutions, direct-convolution FLOPs: "effective"
 * GFLOPS where Winograd or a fused pool does less work). With --inference, the same
 * for model.predict over the images (the bench's inference phase) instead of a training epoch.
 * Usage: node dist/bench/profile-step.js [--batch 128] [--images 6400] [--backend native] [--inference]
 */
import type { Backend } from '../src/backend/backend.js';
import { resolveBackend, type BackendName } from '../src/backend/select-backend.js';
import { Tensor } from '../src/core/tensor.js';
import { loadMnist } from '../src/data/mnist.js';
import { createLabCnn } from '../src/apps/lab/lab-models.js';
import { argument } from './phases/phase-output.js';

const batch = Number(argument('batch', '128'));
const images = Number(argument('images', '6400'));
const inner = resolveBackend(argument('backend', 'native') as BackendName);

interface Entry { ms: number; calls: number; flops: number }
const table = new Map<string, Entry>();
type ConvGeometry = { batch: number; outHeight: number; outWidth: number; outChannels: number; kernelHeight: number; kernelWidth: number; inChannels: number };
/** The conv geometry argument of a convolution kernel, fused ones included (direct-convolution FLOPs are counted for them too). */
function convGeometry(method: string, args: unknown[]): ConvGeometry | null {
  if (method === 'conv2dReluMaxPool') return args[5] as ConvGeometry;
  if (method === 'maxPoolConv2dBackprop') return args[6] as ConvGeometry;
  if (method.startsWith('conv2d')) return args[3] as ConvGeometry;
  return null;
}
function flopsOf(method: string, args: unknown[]): number {
  if (method === 'matmul') return 2 * (args[3] as number) * (args[4] as number) * (args[5] as number);
  const g = convGeometry(method, args);
  return g ? 2 * g.batch * g.outHeight * g.outWidth * g.outChannels * g.kernelHeight * g.kernelWidth * g.inChannels : 0;
}
function label(method: string, args: unknown[]): string {
  if (method === 'matmul') return `matmul ${args[3]}x${args[4]}x${args[5]}${args[6] ? ' tA' : ''}${args[7] ? ' tB' : ''}`;
  const g = convGeometry(method, args);
  return g ? `${method} C=${g.inChannels}` : method;
}
const timed = new Proxy(inner, {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver) as unknown;
    if (typeof value !== 'function') return value;
    return (...args: unknown[]) => {
      const start = performance.now();
      const result = (value as (...a: unknown[]) => unknown).apply(target, args);
      const name = label(String(key), args);
      const entry = table.get(name) ?? { ms: 0, calls: 0, flops: 0 };
      entry.ms += performance.now() - start;
      entry.calls++;
      entry.flops += flopsOf(String(key), args);
      table.set(name, entry);
      return result;
    };
  },
}) as Backend;

const data = await loadMnist({ trainLimit: images, testLimit: 1 });
const model = createLabCnn({ seed: 1, backend: timed });
const x = new Tensor(data.train.images, [data.train.count, 28, 28, 1]);
const inference = process.argv.includes('--inference');
if (inference) await model.predict(x.slice(0, Math.min(batch, data.train.count)), { batchSize: batch }); // warm-up, like the bench
table.clear();
const started = performance.now();
if (inference) await model.predict(x, { batchSize: batch });
else await model.fit(x, data.train.labels, { epochs: 1, batchSize: batch, verbose: 0 });
const wall = performance.now() - started;
const kernelMs = [...table.values()].reduce((s, e) => s + e.ms, 0);
const rate = inference ? `${Math.round((images * 1000) / wall)} images/s` : `${((wall / 1000) * 60000 / images).toFixed(1)} s/epoch`;
console.log(`${inner.description}, ${inference ? 'inference' : 'training'} at batch ${batch}, ${images} images: ${(wall / 1000).toFixed(2)} s wall, ${(kernelMs / 1000).toFixed(2)} s in kernels -> ${rate}`);
for (const [name, e] of [...table.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
  const gflops = e.flops ? `${(e.flops / e.ms / 1e6).toFixed(1)} GFLOPS` : '';
  console.log(`${name.padEnd(36)} ${(e.ms / 1000).toFixed(3).padStart(7)} s ${((100 * e.ms) / wall).toFixed(1).padStart(5)}%  ${gflops}`);
}
