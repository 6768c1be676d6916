/**
 * Model files hold finite numbers only, unless the caller asks otherwise. A
 * NaN kernel loads and predicts the same class for every input; a NaN
 * optimizer slot spreads into every weight it updates, while ReLU (NaN -> 0)
 * keeps the loss looking normal. Loaders and savers refuse both, naming the
 * tensor and the first bad index; `allowNonFinite: true` lets them through.
 */
import { firstNonFinite } from '../core/non-finite.js';
import { quoteString } from '../core/quote-value.js';
import { ModelFileError } from '../core/errors.js';

/** Throws a ModelFileError when `data` holds NaN or +/-Infinity. `what` is "weight" or "optimizer tensor". */
export function checkFinite(what: string, name: string, data: ArrayLike<number>, where: string, remedy: string): void {
  const at = firstNonFinite(data);
  if (at < 0) return;
  throw new ModelFileError(`${where}: ${what} ${quoteString(name)} holds ${data[at]} at index ${at} (of ${data.length}); ${remedy}`);
}

export const LOAD_REMEDY = 'the model diverged or the file is damaged. Pass { allowNonFinite: true } (--allow-non-finite on the command line) to load it anyway.';
export const SAVE_REMEDY = 'a diverged model is not saved. Pass { allowNonFinite: true } (--allow-non-finite on the command line) to save it anyway.';
