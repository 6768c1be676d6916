/** Every fuzz target, in the order a run reports them. */
import type { FuzzTarget } from '../target.js';
import { idxGzTarget, idxTarget } from './idx.js';
import { modelFileTarget } from './model-file.js';
import { nativeGeometryTarget } from './native-geometry.js';
import { pngTarget } from './png.js';
import { selfTestTarget } from './self-test.js';
import { tfjsTarget } from './tfjs.js';
import { zipTarget } from './zip.js';

export const TARGETS: readonly FuzzTarget<unknown>[] = [
  modelFileTarget, idxTarget, idxGzTarget, tfjsTarget, pngTarget, zipTarget, nativeGeometryTarget,
] as FuzzTarget<unknown>[];

/** Run only by name: the harness's own test target. */
const HIDDEN: readonly FuzzTarget<unknown>[] = [selfTestTarget] as FuzzTarget<unknown>[];

export function targetByName(name: string): FuzzTarget<unknown> {
  const target = [...TARGETS, ...HIDDEN].find((t) => t.name === name);
  if (!target) throw new RangeError(`unknown fuzz target ${JSON.stringify(name)}; expected one of ${TARGETS.map((t) => t.name).join(', ')}.`);
  return target;
}
