/**
 * The native kernels through the public Backend (loadNativeBackend, so the
 * TypeScript wrapper's checks and the addon's own C check both stand in
 * front), on random geometries: a valid one from src/core/conv-geometry.ts
 * (odd sizes, strides, 'same' and 'valid', the pool derived from the conv's
 * output for the fused kernels), then often one or two fields set to a
 * hostile value (0, -1, 2^31, NaN, the kernel size, one off) or a buffer cut
 * short or of the wrong type. test/backend/native-geometry-validation.test.ts
 * fuzzes the raw addon with random fields; this one goes through the wrapper,
 * covers matmul and gatherRows too, and checks conv2d's valid results against
 * the reference backend.
 */
import type { Backend, Conv2DInfo, Pool2DInfo } from '../../src/backend/backend.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import { referenceBackend } from '../../src/backend/select-backend.js';
import { conv2dInfo, pool2dInfo } from '../../src/core/conv-geometry.js';
import { Random } from '../../src/core/random.js';
import { HOSTILE_NUMBERS } from '../mutate.js';
import { OracleFailure, type FuzzTarget } from '../target.js';

const KERNELS = [
  'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPool', 'maxPoolBackprop', 'conv2dReluMaxPool', 'maxPoolConv2dBackprop', 'matmul', 'gatherRows',
  'avgPool', 'avgPoolBackprop', 'batchNormMoments', 'channelAffine', 'batchNormBackprop',
] as const;
type Kernel = typeof KERNELS[number];

/** One call, as plain data (it is the reproducer). */
export interface GeometryCall {
  kernel: Kernel;
  conv: Conv2DInfo;
  pool: Pool2DInfo;
  /** matmul's m, n, k, gatherRows' rowLength, sourceRows, rows, or the batch-norm kernels' rows, cols. */
  dims: [number, number, number];
  flags: [boolean, boolean, boolean];
  /** Buffer lengths by argument name; -1 means null. */
  lengths: Record<string, number>;
  /** Arguments given as Float64Array or Int32Array where the kernel needs Float32Array. */
  wrongType?: string;
  /** Indices in argmax are drawn below this (the pool input's size), rows below dims[1]. */
  argmaxLimit: number;
  /** Whether any field or length was changed from the valid call (the reference check applies only to unchanged calls). */
  mutated: boolean;
  data: number;
}

const product = (...values: number[]): number => values.reduce((a, b) => a * b, 1);

function validCall(random: Random, kernel: Kernel): GeometryCall {
  const int = (lo: number, hi: number): number => lo + random.int(hi - lo + 1);
  const fused = kernel === 'conv2dReluMaxPool' || kernel === 'maxPoolConv2dBackprop';
  const padding = (): 'same' | 'valid' => (random.next() < 0.5 ? 'same' : 'valid');
  // The fused kernels are written for 3x3 stride-1 convs and 2x2 pools; mostly give them that, so they run.
  const k = fused && random.next() < 0.7 ? 3 : int(1, 5);
  const stride = fused && random.next() < 0.7 ? 1 : int(1, 3);
  const conv = conv2dInfo(int(1, 3), int(1, 17), int(1, 17), int(1, 8), int(1, 9), k, fused ? k : int(1, 5), stride, stride, padding());
  const p = fused && random.next() < 0.7 ? 2 : int(1, 3);
  const poolInput = fused ? [conv.batch, conv.outHeight, conv.outWidth, conv.outChannels] : [int(1, 3), int(1, 17), int(1, 17), int(1, 8)];
  const pool = pool2dInfo(poolInput[0]!, poolInput[1]!, poolInput[2]!, poolInput[3]!, p, p, p, p, padding());
  const dims: [number, number, number] = [int(1, 40), int(1, 40), int(1, 40)];
  const x = product(conv.batch, conv.inHeight, conv.inWidth, conv.inChannels);
  const w = product(conv.kernelHeight, conv.kernelWidth, conv.inChannels, conv.outChannels);
  const y = product(conv.batch, conv.outHeight, conv.outWidth, conv.outChannels);
  const px = product(pool.batch, pool.inHeight, pool.inWidth, pool.channels);
  const py = product(pool.batch, pool.outHeight, pool.outWidth, pool.channels);
  const optional = (n: number): number => (random.next() < 0.3 ? -1 : n);
  const lengths: Record<string, number> = {
    conv2d: { x, w, y, bias: optional(conv.outChannels) },
    conv2dBackpropInput: { dy: y, w, dx: x },
    conv2dBackpropFilter: { x, dy: y, dw: w },
    maxPool: { x: px, y: py, argmax: optional(py) },
    maxPoolBackprop: { dy: py, argmax: py, dx: px },
    conv2dReluMaxPool: { x, w, bias: optional(conv.outChannels), y: py, argmax: optional(py) },
    maxPoolConv2dBackprop: { g: py, argmax: py, x, w, dw: w, dx: optional(x), pooled: optional(py), db: optional(conv.outChannels) },
    matmul: { a: dims[0] * dims[2], b: dims[2] * dims[1], c: dims[0] * dims[1] },
    gatherRows: { source: dims[0] * dims[1], rows: dims[2], target: dims[2] * dims[0] },
    avgPool: { x: px, y: py },
    avgPoolBackprop: { dy: py, dx: px },
    batchNormMoments: { x: dims[0] * dims[1], moments: 2 * dims[1] },
    channelAffine: { x: dims[0] * dims[1], y: dims[0] * dims[1], scale: dims[1], shift: dims[1] },
    batchNormBackprop: { x: dims[0] * dims[1], dy: dims[0] * dims[1], dx: dims[0] * dims[1], statistics: 3 * dims[1], gradients: 2 * dims[1], reluOutput: optional(dims[0] * dims[1]) },
  }[kernel];
  return { kernel, conv, pool, dims, flags: [random.next() < 0.5, random.next() < 0.5, random.next() < 0.5], lengths, argmaxLimit: px, mutated: false, data: random.nextUint32() };
}

function hostile(random: Random, old: number): number {
  const r = random.next();
  if (r < 0.3) return old + (random.next() < 0.5 ? 1 : -1);
  if (r < 0.4) return old * (2 + random.int(3));
  return HOSTILE_NUMBERS[random.int(HOSTILE_NUMBERS.length)]!;
}

function mutateCall(random: Random, call: GeometryCall): GeometryCall {
  const out: GeometryCall = { ...call, conv: { ...call.conv }, pool: { ...call.pool }, dims: [...call.dims], lengths: { ...call.lengths }, mutated: true };
  const rounds = 1 + random.int(2);
  for (let r = 0; r < rounds; r++) {
    const roll = random.next();
    if (roll < 0.35) {
      const keys = Object.keys(out.conv) as (keyof Conv2DInfo)[];
      const key = keys[random.int(keys.length)]!;
      (out.conv as unknown as Record<string, number>)[key] = hostile(random, out.conv[key]);
    } else if (roll < 0.65) {
      const keys = Object.keys(out.pool) as (keyof Pool2DInfo)[];
      const key = keys[random.int(keys.length)]!;
      let value = hostile(random, out.pool[key]);
      (out.pool as unknown as Record<string, number>)[key] = value;
    } else if (roll < 0.75) {
      const i = random.int(3);
      out.dims[i] = hostile(random, out.dims[i]!);
    } else if (roll < 0.95) {
      const names = Object.keys(out.lengths).filter((n) => out.lengths[n]! > 0);
      if (names.length > 0) {
        const name = names[random.int(names.length)]!;
        out.lengths[name] = random.int(out.lengths[name]!);
      }
    } else {
      const names = Object.keys(out.lengths);
      out.wrongType = names[random.int(names.length)];
    }
  }
  return out;
}

/** Runs the call on `backend` and returns its buffers, for the reference comparison. */
function invoke(backend: Backend, call: GeometryCall): Record<string, Float32Array | Int32Array | Float64Array | null> {
  const random = new Random(call.data);
  const buffers: Record<string, Float32Array | Int32Array | Float64Array | null> = {};
  const intArgs = new Set(['argmax', 'rows']);
  for (const [name, length] of Object.entries(call.lengths)) {
    if (length < 0) {
      buffers[name] = null;
    } else if (intArgs.has(name)) {
      // Valid indices mostly, sometimes one out of range or negative.
      const limit = Math.max(1, Math.min(1 << 24, name === 'rows' ? call.dims[1] : call.argmaxLimit));
      buffers[name] = name === call.wrongType ? new Float32Array(length) : Int32Array.from({ length }, () => (random.next() < 0.02 ? [-1, limit, 2 ** 31 - 1][random.int(3)]! : random.int(limit)));
    } else {
      const values = Float32Array.from({ length }, () => random.next() * 2 - 1);
      buffers[name] = name === call.wrongType ? (random.next() < 0.5 ? Float64Array.from(values) : new Int32Array(length)) : values;
    }
  }
  const b = buffers as Record<string, never>;
  const { conv, pool, dims, flags } = call;
  switch (call.kernel) {
    case 'conv2d': backend.conv2d(b.x, b.w, b.y, conv, flags[0] ? { bias: b.bias, activation: flags[1] ? 'relu' : 'linear' } : undefined); break;
    case 'conv2dBackpropInput': backend.conv2dBackpropInput(b.dy, b.w, b.dx, conv); break;
    case 'conv2dBackpropFilter': backend.conv2dBackpropFilter(b.x, b.dy, b.dw, conv); break;
    case 'maxPool': backend.maxPool(b.x, b.y, b.argmax, pool); break;
    case 'maxPoolBackprop': backend.maxPoolBackprop(b.dy, b.argmax, b.dx, pool); break;
    case 'conv2dReluMaxPool':
      if (flags[2]) backend.convReluMaxPoolSupport!(conv, pool);
      backend.conv2dReluMaxPool!(b.x, b.w, b.bias, b.y, b.argmax, conv, pool);
      break;
    case 'maxPoolConv2dBackprop':
      backend.maxPoolConv2dBackprop!(b.g, b.argmax, b.x, b.w, b.dw, b.dx, conv, pool, b.pooled ? { pooled: b.pooled, db: b.db } : undefined);
      break;
    case 'matmul': backend.matmul(b.a, b.b, b.c, dims[0], dims[1], dims[2], flags[0], flags[1], flags[2]); break;
    case 'gatherRows': backend.gatherRows(b.source, dims[0], b.rows, b.target); break;
    case 'avgPool': backend.avgPool(b.x, b.y, pool); break;
    case 'avgPoolBackprop': backend.avgPoolBackprop(b.dy, b.dx, pool); break;
    case 'batchNormMoments': backend.batchNormMoments(b.x, b.moments, dims[0], dims[1]); break;
    case 'channelAffine': backend.channelAffine(b.x, b.y, b.scale, b.shift, dims[0], dims[1], flags[0] ? 'relu' : 'linear'); break;
    case 'batchNormBackprop': backend.batchNormBackprop(b.x, b.dy, b.dx, b.statistics, b.gradients, dims[0], dims[1], b.reluOutput); break;
  }
  return buffers;
}

let native: Backend | undefined;
let why: string | undefined;
function nativeBackend(): Backend | undefined {
  if (native === undefined && why === undefined) {
    const loaded = loadNativeBackend();
    if ('error' in loaded) why = loaded.error;
    else native = loaded.backend;
  }
  return native;
}

export const nativeGeometryTarget: FuzzTarget<GeometryCall> = {
  name: 'native-geometry',
  unavailable: () => (nativeBackend() ? undefined : why),
  seeds: async () => [],
  generate(random) {
    const call = validCall(random, KERNELS[random.int(KERNELS.length)]!);
    return random.next() < 0.6 ? mutateCall(random, call) : call;
  },
  run(call) {
    const got = invoke(nativeBackend()!, call);
    if (call.mutated || call.kernel !== 'conv2d') return;
    // A valid conv2d call also computes the right thing: the same call on the reference backend.
    const want = invoke(referenceBackend(), call);
    const y = got.y as Float32Array, r = want.y as Float32Array;
    for (let i = 0; i < y.length; i++) {
      if (!(Math.abs(y[i]! - r[i]!) <= 1e-4 * (1 + Math.abs(r[i]!)) * call.conv.kernelHeight * call.conv.kernelWidth * call.conv.inChannels)) {
        throw new OracleFailure(`native conv2d differs from the reference at y[${i}]: ${y[i]} vs ${r[i]}`);
      }
    }
  },
  isRefusal: (error) => (error instanceof RangeError || error instanceof TypeError) && /^(convkit )?native\b/.test(error.message),
  files: (call) => [{ name: 'call.json', bytes: new Uint8Array(Buffer.from(JSON.stringify(call, null, 1))) }],
};
