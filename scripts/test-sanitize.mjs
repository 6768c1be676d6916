#!/usr/bin/env node
/**
 * npm run test:sanitize: builds the native addon with AddressSanitizer and
 * UndefinedBehaviorSanitizer into build-sanitize/ (the normal build/ is left
 * alone), then, on each ISA path this CPU has (avx512, avx2, portable), runs
 * the kernel tests (dist/test/backend) and the native geometry fuzzer with
 * that addon loaded (CONVKIT_ADDON_PATH, read by src/backend/native/load-native.ts).
 *
 * Node itself is not instrumented, so the ASan runtime is preloaded
 * (LD_PRELOAD of gcc's libasan.so); leak detection is off because Node keeps
 * memory it never frees at exit. UBSan halts on the first report, so any
 * report fails the run. The sources and the C flags other than
 * optimisation are binding.gyp's, so this builds what npm install builds.
 *
 * The native fuzzer must run every input it is given (--require-complete): a worker that cannot load
 * the sanitized addon fails the run instead of passing it untested.
 *
 * Options: --fuzz-count N (native fuzzer inputs per ISA, default 50000),
 * --isa NAME (one path only). Run npm run build first (npm run test:sanitize does).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { 'fuzz-count': { type: 'string', default: '50000' }, isa: { type: 'string' } } });
const out = join(root, 'build-sanitize');
const addonPath = join(out, 'convkit.node');
const SANITIZE = ['-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-g'];
// -O2: the kernels vectorise as they do in the real build (the portable path leans on it), so the runs stay
// quick and near enough to the real code; ASan reports stay readable with the frame pointer kept.
const CFLAGS = ['-std=gnu11', '-O2', '-fno-math-errno', '-fvisibility=hidden', '-fPIC', '-pthread', '-Wall', '-Wextra', '-Wno-unused-parameter', ...SANITIZE];

function nodeInclude() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'];
  const found = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
  if (!found) throw new Error(`test:sanitize: node_api.h not found in ${candidates.join(' or ')}`);
  return found;
}

async function build() {
  const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8'));
  const target = gyp.targets[0];
  const sources = target.sources.map((s) => join(root, s));
  const newest = Math.max(...[join(root, 'binding.gyp'), fileURLToPath(import.meta.url), ...listFiles(join(root, 'native'))].map((f) => statSync(f).mtimeMs));
  if (existsSync(addonPath) && statSync(addonPath).mtimeMs > newest) {
    console.log('test:sanitize: build-sanitize/convkit.node is newer than native/; not rebuilding');
    return;
  }
  mkdirSync(join(out, 'obj'), { recursive: true });
  const includes = [...target.include_dirs.map((d) => ['-I', join(root, d)]).flat(), '-I', nodeInclude()];
  const defines = ['-DNODE_GYP_MODULE_NAME=convkit', '-DBUILDING_NODE_EXTENSION', '-D_FILE_OFFSET_BITS=64', '-D_LARGEFILE_SOURCE'];
  const objects = sources.map((s) => join(out, 'obj', s.slice(root.length + 1).replace(/[\\/]/g, '_').replace(/\.c$/, '.o')));
  console.log(`test:sanitize: compiling ${sources.length} files with ${SANITIZE.join(' ')}`);
  const compile = (i) => new Promise((resolve, reject) => {
    const child = spawn('gcc', [...CFLAGS, ...defines, ...includes, '-c', sources[i], '-o', objects[i]], { stdio: 'inherit' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`test:sanitize: gcc failed on ${sources[i]} (exit ${code})`))));
  });
  // Each file is independent: a few compilers at once.
  let next = 0;
  const lane = async () => {
    while (next < sources.length) await compile(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(4, cpus().length)) }, lane));
  execFileSync('gcc', ['-shared', ...SANITIZE, '-pthread', '-o', addonPath, ...objects, '-lm'], { stdio: 'inherit' });
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

function sanitizerEnv(isa) {
  const asan = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  if (!existsSync(asan)) throw new Error(`test:sanitize: gcc's libasan.so not found (gcc -print-file-name=libasan.so gave ${asan}); install gcc's sanitizer runtime (libasan, libubsan)`);
  return {
    ...process.env,
    LD_PRELOAD: asan,
    ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
    UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
    CONVKIT_ADDON_PATH: addonPath,
    CONVKIT_ISA: isa,
  };
}

/** The ISA paths the sanitized addon can run here, asked of the addon itself. */
function supportedIsas() {
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e',
    `const { loadNativeBackend } = await import(${JSON.stringify(join(root, 'dist/src/backend/native/index.js'))});
     const loaded = loadNativeBackend(); if ('error' in loaded) { console.error(loaded.error); process.exit(2); }
     console.log(JSON.stringify(loaded.backend.supportedIsas));`], { env: sanitizerEnv('portable'), encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`test:sanitize: the sanitized addon does not load: ${probe.stderr}`);
  return JSON.parse(probe.stdout.trim().split('\n').pop());
}

const started = Date.now();
await build();
const have = supportedIsas();
const wanted = values.isa ? [values.isa] : ['avx512', 'avx2', 'portable'];
const kernelTests = listFiles(join(root, 'dist', 'test', 'backend')).filter((f) => f.endsWith('.test.js')).sort();
let failed = false;
for (const isa of wanted) {
  if (!have.includes(isa)) {
    console.log(`test:sanitize: ${isa}: skipped, this CPU runs ${have.join(', ')}`);
    continue;
  }
  console.log(`test:sanitize: ${isa}: ${kernelTests.length} kernel test files`);
  const tests = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...kernelTests], { env: sanitizerEnv(isa), stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const summary = tests.stdout.split('\n').filter((l) => /^# (tests|pass|fail|skipped)/.test(l)).join(', ');
  console.log(`test:sanitize: ${isa}: kernel tests exit ${tests.status ?? tests.signal}: ${summary}`);
  if (tests.status !== 0) {
    process.stdout.write(tests.stdout.split('\n').filter((l) => /^not ok|^\s+(error|stack|failureType)/.test(l)).slice(0, 60).join('\n') + '\n');
    failed = true;
  }
  const fuzz = spawnSync(process.execPath, [join(root, 'dist', 'fuzz', 'run-fuzz.js'), '--target', 'native-geometry', '--count', values['fuzz-count'], '--seed', '14', '--budget-ms', '20000', '--seconds', '3600', '--require-complete', '--quiet', '--failures', join(root, 'fuzz-failures', `sanitize-${isa}`)],
    { env: sanitizerEnv(isa), stdio: 'inherit' });
  if (fuzz.status !== 0) failed = true;
}
console.log(`test:sanitize: ${failed ? 'FAILED' : 'passed'} in ${Math.round((Date.now() - started) / 1000)} s`);
process.exit(failed ? 1 : 0);
