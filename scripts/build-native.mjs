#!/usr/bin/env node
/**
 * npm "install" hook: builds the native addon from the C sources in native/
 * with node-gyp. Nothing is downloaded: node-gyp uses the local Node headers
 * (npm's nodedir) and the system C compiler. If a usable addon already exists
 * (node-gyp-build's lookup: prebuilds/ or build/Release, loadable by this Node)
 * and was built from the C sources as they are now (a SHA-256 of native/ and
 * binding.gyp, kept next to it in build/), the build is skipped; after a pull
 * that changed native/, `npm install` builds again. Set
 * npm_config_build_from_source=true to force it.
 * A failed build never fails the install: convkit then runs on its slower
 * reference backend, and this script says how to fix it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(root, 'package.json'));
const win32 = process.platform === 'win32';

function usableAddon() {
  try {
    const load = require('node-gyp-build');
    load(root);
    return true;
  } catch {
    return false;
  }
}

const stampPath = join(root, 'build', 'convkit-sources.sha256');

/** SHA-256 over binding.gyp and every file under native/, by sorted path: what the addon is built from. */
function sourcesDigest() {
  const hash = createHash('sha256');
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk('native');
  files.sort();
  for (const path of ['binding.gyp', ...files]) hash.update(`${path}\0`).update(readFileSync(join(root, path))).update('\0');
  return hash.digest('hex');
}

function builtFromCurrentSources() {
  try {
    return readFileSync(stampPath, 'utf8').trim() === sourcesDigest();
  } catch {
    return false;
  }
}

/** Ways to run node-gyp, best first; none of them may fetch anything. */
function nodeGypCommands() {
  const commands = [];
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) commands.push([process.execPath, [fromNpm]]);
  // npm puts its bundled node-gyp on PATH while running lifecycle scripts.
  commands.push([win32 ? 'node-gyp.cmd' : 'node-gyp', []]);
  // Run by hand outside npm: npm's bundled copy next to this Node.
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) commands.push([process.execPath, [bundled]]);
  // Last resort: an already-installed node-gyp via npx; --no forbids downloading one.
  commands.push([win32 ? 'npx.cmd' : 'npx', ['--no', 'node-gyp']]);
  return commands;
}

/**
 * Outside npm (or without npm's nodedir setting) node-gyp would try to download
 * headers; point it at the headers installed with this Node when they exist.
 */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function build() {
  const failures = [];
  for (const [command, prefix] of nodeGypCommands()) {
    const result = spawnSync(command, [...prefix, 'rebuild', ...nodedirArgs()], { cwd: root, stdio: 'inherit', shell: win32, windowsHide: true });
    if (result.error && result.error.code === 'ENOENT') {
      failures.push(`${command}: not found`);
      continue;
    }
    if (result.status === 0) return { ok: true };
    failures.push(`${[command, ...prefix].join(' ')} rebuild exited with ${result.status ?? result.signal ?? result.error?.message}`);
    // node-gyp ran and failed: trying another copy would fail the same way.
    if (!result.error) break;
  }
  return { ok: false, why: failures.join('; ') };
}

const forced = process.env.npm_config_build_from_source === 'true' || process.env.CONVKIT_BUILD_FROM_SOURCE === '1';
if (process.env.CONVKIT_SKIP_NATIVE_BUILD === '1') {
  console.log('convkit: CONVKIT_SKIP_NATIVE_BUILD=1, not building the native addon.');
} else if (!forced && usableAddon() && builtFromCurrentSources()) {
  console.log('convkit: a usable native addon is already built from these sources; skipping the build (set npm_config_build_from_source=true to rebuild).');
} else {
  const result = build();
  if (result.ok && usableAddon()) {
    writeFileSync(stampPath, `${sourcesDigest()}\n`);
    console.log('convkit: native addon built.');
  } else {
    const why = result.ok ? 'the build finished but the resulting addon does not load in this Node' : result.why;
    console.warn(
      `\nconvkit WARNING: the native compute addon could not be built (${why}). ` +
        'convkit is installed and works, but it will run on the much slower reference (pure TypeScript) backend. ' +
        'To get the fast backend, install python3, make and a C compiler (gcc or clang; on Debian/Ubuntu: ' +
        "'apt-get install python3 make gcc', on macOS: 'xcode-select --install'), then run 'npm rebuild convkit' " +
        "(or 'npm install' again in this project). Nothing is downloaded by the build.\n",
    );
  }
}
process.exit(0);
