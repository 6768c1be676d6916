/**
 * Micro-benchmark of the native kernels on the lab CNN's shapes: time per call, GFLOPS for the GEMM-shaped kernels,
 * and the estimated seconds per 60k-image epoch if a training step were just
 * these kernel calls (framework overhead excluded).
 *   npm run build && node dist/bench/kernels.js [--isa avx2] [--threads 2] [--batch 32,128]
 */
import { conv2dInfo, pool2dInfo } from '../src/core/conv-geometry.js';
import { loadNativeBackend, type NativeIsa } from '../src/backend/native/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const loaded = loadNativeBackend();
if ('error' in loaded) {
  console.error(loaded.error);
  process.exit(1);
}
const be = loaded.backend;
if (arg('isa')) be.setIsa(arg('isa') as NativeIsa);
if (arg('threads')) be.setThreads(Number(arg('threads')));
const batches = (arg('batch') ?? '32,128').split(',').map(Number);

const rand = (n: number) => {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
};

/** Seconds per call: repeat until ~0.25 s have passed, after a warm-up call. */
function time(fn: () => void): number {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (s > 0.25) return s / reps;
    reps *= s < 0.01 ? 10 : 2;
  }
}

interface Row { kernel: string; seconds: number; flops: number }

function stepKernels(B: number): Row[] {
  const c1 = conv2dInfo(B, 28, 28, 1, 32, 3, 3, 1, 1, 'valid');
  const p1 = pool2dInfo(B, 26, 26, 32, 2, 2, 2, 2, 'valid');
  const c2 = conv2dInfo(B, 13, 13, 32, 64, 3, 3, 1, 1, 'valid');
  const p2 = pool2dInfo(B, 11, 11, 64, 2, 2, 2, 2, 'valid');
  const x = rand(B * 784), w1 = rand(288), b1 = rand(32), y1 = rand(B * 21632), a1 = new Int32Array(B * 5408), h1 = rand(B * 5408);
  const w2 = rand(18432), b2 = rand(64), y2 = rand(B * 7744), a2 = new Int32Array(B * 1600), h2 = rand(B * 1600);
  const w3 = rand(204800), b3 = rand(128), y3 = rand(B * 128), w4 = rand(1280), b4 = rand(10), y4 = rand(B * 10);
  const labels = Int32Array.from({ length: B }, (_, i) => i % 10), probs = new Float32Array(B * 10), dl = new Float32Array(B * 10);
  const dw4 = new Float32Array(1280), db = new Float32Array(128), dh3 = new Float32Array(B * 128), dw3 = new Float32Array(204800);
  const dh2 = new Float32Array(B * 1600), dy2 = new Float32Array(B * 7744), dw2 = new Float32Array(18432);
  const dh1 = new Float32Array(B * 5408), dy1 = new Float32Array(B * 21632), dw1 = new Float32Array(288);
  be.maxPool(y1, h1, a1, p1);
  be.maxPool(y2, h2, a2, p2);
  const conv = (g: typeof c1) => 2 * g.batch * g.outHeight * g.outWidth * g.outChannels * g.kernelHeight * g.kernelWidth * g.inChannels;
  const params = [[288, 32], [18432, 64], [204800, 128], [1280, 10]].flat();
  const opt = params.map((n) => [rand(n), rand(n), new Float32Array(n), new Float32Array(n)] as const);
  const rows: Row[] = [
    { kernel: 'conv1 forward', seconds: time(() => be.conv2d(x, w1, y1, c1)), flops: conv(c1) },
    { kernel: 'conv1 bias+relu', seconds: time(() => be.biasActivation(y1, b1, B * 676, 32, 'relu')), flops: 0 },
    { kernel: 'pool1', seconds: time(() => be.maxPool(y1, h1, a1, p1)), flops: 0 },
    { kernel: 'conv2 forward', seconds: time(() => be.conv2d(h1, w2, y2, c2)), flops: conv(c2) },
    { kernel: 'conv2 bias+relu', seconds: time(() => be.biasActivation(y2, b2, B * 121, 64, 'relu')), flops: 0 },
    { kernel: 'pool2', seconds: time(() => be.maxPool(y2, h2, a2, p2)), flops: 0 },
    { kernel: 'dense1 forward', seconds: time(() => be.matmul(h2, w3, y3, B, 128, 1600, false, false, false)), flops: 2 * B * 1600 * 128 },
    { kernel: 'dense1 bias+relu', seconds: time(() => be.biasActivation(y3, b3, B, 128, 'relu')), flops: 0 },
    { kernel: 'dense2 forward', seconds: time(() => be.matmul(y3, w4, y4, B, 10, 128, false, false, false)), flops: 2 * B * 128 * 10 },
    { kernel: 'softmax xent', seconds: time(() => be.softmaxCrossEntropySparse(y4, labels, probs, dl, B, 10, 1 / B)), flops: 0 },
    { kernel: 'dense2 dW', seconds: time(() => be.matmul(y3, dl, dw4, 128, 10, B, true, false, false)), flops: 2 * B * 128 * 10 },
    { kernel: 'dense2 db', seconds: time(() => be.biasGrad(dl, db, B, 10)), flops: 0 },
    { kernel: 'dense2 dX', seconds: time(() => be.matmul(dl, w4, dh3, B, 128, 10, false, true, false)), flops: 2 * B * 128 * 10 },
    { kernel: 'dense1 relu bwd', seconds: time(() => be.activationBackprop('relu', y3, dh3, dh3, B * 128)), flops: 0 },
    { kernel: 'dense1 dW', seconds: time(() => be.matmul(h2, dh3, dw3, 1600, 128, B, true, false, false)), flops: 2 * B * 1600 * 128 },
    { kernel: 'dense1 db', seconds: time(() => be.biasGrad(dh3, db, B, 128)), flops: 0 },
    { kernel: 'dense1 dX', seconds: time(() => be.matmul(dh3, w3, dh2, B, 1600, 128, false, true, false)), flops: 2 * B * 1600 * 128 },
    { kernel: 'pool2 backward', seconds: time(() => be.maxPoolBackprop(dh2, a2, dy2, p2)), flops: 0 },
    { kernel: 'conv2 relu bwd', seconds: time(() => be.activationBackprop('relu', y2, dy2, dy2, B * 7744)), flops: 0 },
    { kernel: 'conv2 db', seconds: time(() => be.biasGrad(dy2, db, B * 121, 64)), flops: 0 },
    { kernel: 'conv2 dW', seconds: time(() => be.conv2dBackpropFilter(h1, dy2, dw2, c2)), flops: conv(c2) },
    { kernel: 'conv2 dX', seconds: time(() => be.conv2dBackpropInput(dy2, w2, dh1, c2)), flops: conv(c2) },
    { kernel: 'pool1 backward', seconds: time(() => be.maxPoolBackprop(dh1, a1, dy1, p1)), flops: 0 },
    { kernel: 'conv1 relu bwd', seconds: time(() => be.activationBackprop('relu', y1, dy1, dy1, B * 21632)), flops: 0 },
    { kernel: 'conv1 db', seconds: time(() => be.biasGrad(dy1, db, B * 676, 32)), flops: 0 },
    { kernel: 'conv1 dW', seconds: time(() => be.conv2dBackpropFilter(x, dy1, dw1, c1)), flops: conv(c1) },
    {
      kernel: 'adam (all params)',
      seconds: time(() => { for (const [p, g, m, v] of opt) be.adamUpdate(p, g, m, v, p.length, 1e-3, 0.9, 0.999, 1e-7); }),
      flops: 0,
    },
  ];
  return rows;
}

console.log(`backend: ${be.description}`);
for (const B of batches) {
  const rows = stepKernels(B);
  const step = rows.reduce((s, r) => s + r.seconds, 0);
  const flops = rows.reduce((s, r) => s + r.flops, 0);
  console.log(`\nbatch ${B}`);
  console.log('kernel               us/call   GFLOPS  share');
  for (const r of rows) {
    const g = r.flops ? (r.flops / r.seconds / 1e9).toFixed(1) : '';
    console.log(`${r.kernel.padEnd(20)} ${(r.seconds * 1e6).toFixed(1).padStart(8)} ${g.padStart(8)} ${((r.seconds / step) * 100).toFixed(1).padStart(5)}%`);
  }
  console.log(`step ${(step * 1e3).toFixed(2)} ms, ${(flops / step / 1e9).toFixed(1)} GFLOPS overall, estimated ${((step * 60000) / B).toFixed(2)} s/epoch (kernels only)`);
}

// In-cache GEMM ceiling of this path: a square product that fits in L2.
const n = 384, A = rand(n * n), Bm = rand(n * n), C = new Float32Array(n * n);
const s = time(() => be.matmul(A, Bm, C, n, n, n, false, false, false));
console.log(`\nmatmul ${n}^3: ${((2 * n ** 3) / s / 1e9).toFixed(1)} GFLOPS (${be.description})`);
