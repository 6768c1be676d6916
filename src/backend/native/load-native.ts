/**
 * Finds and loads the compiled addon with node-gyp-build (build/Release, or a
 * prebuild for this platform), returning either a ready backend or the reason
 * it could not load, so the caller can fall back to the reference backend.
 *
 * Node's modules are fetched with process.getBuiltinModule when first needed,
 * not imported: Sequential reaches this file through select-backend.ts, and
 * the library's core must bundle for a browser (src/browser.ts), where there
 * is no node:fs to import and loading simply reports "no native backend".
 * test/browser.test.ts bundles src/browser.ts and fails on any Node builtin.
 */
import type * as NodeFs from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as NodePath from 'node:path';
import type * as NodeUrl from 'node:url';
import type { NativeAddon } from './native-addon.js';
import { NativeBackendImpl, type NativeBackend } from './native-backend.js';

interface NodeBuiltins {
  fs: typeof NodeFs;
  path: typeof NodePath;
  url: typeof NodeUrl;
  require: NodeJS.Require;
}

let builtins: NodeBuiltins | undefined;

function nodeBuiltins(): NodeBuiltins {
  if (builtins) return builtins;
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') throw new Error('the native backend needs Node.js >= 20.16 (process.getBuiltinModule is missing: not Node, or an older Node)');
  const module = get('node:module') as typeof NodeModule;
  builtins = { fs: get('node:fs') as typeof NodeFs, path: get('node:path') as typeof NodePath, url: get('node:url') as typeof NodeUrl, require: module.createRequire(import.meta.url) };
  return builtins;
}

/** The directory of convkit's package.json (works from src/ and from dist/src/). */
export function packageRoot(): string {
  const { fs: { existsSync, readFileSync }, path: { dirname, join }, url: { fileURLToPath } } = nodeBuiltins();
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
 * The raw addon module (throws when it cannot load): node-gyp-build's lookup, or the .node file that
 * CONVKIT_ADDON_PATH names, which is how npm run test:sanitize loads the AddressSanitizer build in
 * build-sanitize/ without touching the normal one.
 */
export function loadAddonModule(): NativeAddon {
  const { require } = nodeBuiltins();
  const override = process.env.CONVKIT_ADDON_PATH;
  if (override) return require(override) as NativeAddon;
  return (require('node-gyp-build') as (dir: string) => unknown)(packageRoot()) as NativeAddon;
}

/**
 * Loads the addon once per process (see loadAddonModule). CONVKIT_ISA (avx512 | avx2 | portable),
 * CONVKIT_THREADS and CONVKIT_WINOGRAD (0 | 2) are read by the addon when it
 * loads, as the initial values of setIsa, setThreads and setWinograd.
 */
export function loadNativeBackend(): { backend: NativeBackend } | { error: string } {
  if (cached) return cached;
  try {
    cached = { backend: new NativeBackendImpl(loadAddonModule()) };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    cached = { error: `cannot load the convkit native addon: ${message}` };
  }
  return cached;
}
