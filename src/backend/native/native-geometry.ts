/**
 * Packs a Conv2DInfo / Pool2DInfo into the Int32Array the addon takes (fields
 * in declaration order). The arrays are reused on every call: the addon reads
 * them synchronously, and the training step must not allocate per call.
 */
import type { Conv2DInfo, Pool2DInfo } from '../backend.js';

const INT32_MAX = 2147483647;
const convFields = new Int32Array(13);
const poolFields = new Int32Array(12);

/** Each field an integer that fits an Int32Array; anything else would wrap silently when stored. */
function put<K extends string>(kernel: string, what: string, target: Int32Array, names: readonly K[], source: Readonly<Record<K, number>>): Int32Array {
  for (let i = 0; i < names.length; i++) {
    const v = source[names[i]];
    if (!Number.isInteger(v) || v < 0 || v > INT32_MAX) {
      throw new RangeError(`native ${kernel}: ${what} ${names[i]} must be an integer from 0 to ${INT32_MAX}; received ${String(v)}.`);
    }
    target[i] = v;
  }
  return target;
}

const CONV_NAMES = [
  'batch', 'inHeight', 'inWidth', 'inChannels', 'outHeight', 'outWidth', 'outChannels',
  'kernelHeight', 'kernelWidth', 'strideHeight', 'strideWidth', 'padTop', 'padLeft',
] as const satisfies readonly (keyof Conv2DInfo)[];
const POOL_NAMES = [
  'batch', 'inHeight', 'inWidth', 'channels', 'outHeight', 'outWidth',
  'poolHeight', 'poolWidth', 'strideHeight', 'strideWidth', 'padTop', 'padLeft',
] as const satisfies readonly (keyof Pool2DInfo)[];

/** The conv geometry as the addon's Int32Array (valid until the next call). */
export function convGeometry(kernel: string, g: Conv2DInfo): Int32Array {
  return put(kernel, 'conv', convFields, CONV_NAMES, g);
}

/** The pool geometry as the addon's Int32Array (valid until the next call). */
export function poolGeometry(kernel: string, g: Pool2DInfo): Int32Array {
  return put(kernel, 'pool', poolFields, POOL_NAMES, g);
}
