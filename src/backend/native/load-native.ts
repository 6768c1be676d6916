/**
 * Finds and loads the compiled addon with node-gyp-build (build/Release, or a
 * prebuild for this platform), returning either a ready backend or the reason
 * it could not load, so the caller can fall back to the reference backend.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon } from './native-addon.js';
import { NativeBackendImpl, type NativeBackend } from './native-backend.js';

const require = createRequire(import.meta.url);

/** The directory of convkit's package.json (works from src/ and from dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'convkit') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the convkit package root (no package.json named convkit above this file)');
    dir = parent;
  }
}

let cached: { backend: NativeBackend } | { error: string } | undefined;

/**
 * Loads the addon once per process. CONVKIT_ISA (avx512 | avx2 | portable),
 * CONVKIT_THREADS and CONVKIT_WINOGRAD (0 | 2) are read by the addon when it
 * loads, as the initial values of setIsa, setThreads and setWinograd.
 */
export function loadNativeBackend(): { backend: NativeBackend } | { error: string } {
  if (cached) return cached;
  try {
    const root = packageRoot();
    const load = require('node-gyp-build') as (dir: string) => unknown;
    const addon = load(root) as NativeAddon;
    cached = { backend: new NativeBackendImpl(addon) };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    cached = { error: `cannot load the convkit native addon: ${message}` };
  }
  return cached;
}
