/**
 * Chooses the compute backend once: native when its addon loads, otherwise
 * the reference backend with a one-line warning that says why and how to fix
 * it. An explicit choice ('native' | 'reference' or a Backend object) wins.
 */
import type { Backend } from './backend.js';
import { createReferenceBackend } from './reference/reference-backend.js';
import { loadNativeBackend } from './native/index.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';

export type BackendName = 'auto' | 'native' | 'reference';
export type BackendChoice = BackendName | Backend;

const BACKEND_NAMES: readonly BackendName[] = ['auto', 'native', 'reference'];

let reference: Backend | undefined;
let warned = false;

export function referenceBackend(): Backend {
  return (reference ??= createReferenceBackend());
}

export function resolveBackend(choice: BackendChoice = defaultChoice()): Backend {
  if (typeof choice === 'object' && choice !== null) return choice;
  if (!BACKEND_NAMES.includes(choice)) {
    throw new ConfigError(`Unknown backend ${quoteValue(choice)}; expected one of 'auto', 'native', 'reference'.`);
  }
  if (choice === 'reference') return referenceBackend();
  // In a browser (src/browser.ts) there is no addon to load and no stderr to warn on: reference it is.
  if (choice === 'auto' && !runningOnNode()) return referenceBackend();
  const native = loadNativeBackend();
  if ('backend' in native) return native.backend;
  if (choice === 'native') {
    throw new ConfigError(`The native backend could not be loaded: ${native.error}. Rebuild it with 'npm rebuild convkit' (needs python3, make and a C compiler), or use --backend reference.`);
  }
  if (!warned) {
    warned = true;
    process.stderr.write(`convkit: native backend unavailable (${native.error}); using the slow reference backend. Run 'npm rebuild convkit' with a C compiler to fix.\n`);
  }
  return referenceBackend();
}

function runningOnNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** CONVKIT_BACKEND lets a user or a test pick the backend without code changes. */
function defaultChoice(): BackendChoice {
  const env = runningOnNode() ? process.env.CONVKIT_BACKEND : undefined;
  return env ? (env as BackendName) : 'auto';
}
