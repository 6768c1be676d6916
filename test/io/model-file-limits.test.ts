/**
 * Special and oversized files given as model files, run through the real CLI
 * or loader in a child process (test/bounded-child.ts): each must end within
 * the stated time, with a clear ModelFileError, under the stated peak memory.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, describeRun, DIST_SRC, runBounded, runSnippetBounded, type BoundedRun } from '../bounded-child.js';

const TIME_LIMIT_SECONDS = 20;
const PEAK_LIMIT_MIB = 512;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-model-limits-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function evaluateWith(modelFile: string): Promise<BoundedRun> {
  return runBounded([CLI, 'evaluate', '--model-file', modelFile, '--test-limit', '10', '--backend', 'reference'], { timeoutSeconds: TIME_LIMIT_SECONDS });
}

function assertBounded(run: BoundedRun, message: RegExp): void {
  assert.equal(run.killed, undefined, describeRun(run));
  assert.equal(run.status, 1, describeRun(run));
  assert.match(run.stderr, message, describeRun(run));
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(run.peakMiB !== undefined && run.peakMiB < PEAK_LIMIT_MIB, `peak memory under ${PEAK_LIMIT_MIB} MiB: ${describeRun(run)}`);
}

test(`a FIFO as --model-file is refused at once (before, the read blocked forever): within ${TIME_LIMIT_SECONDS} s under ${PEAK_LIMIT_MIB} MiB`, async () => {
  const fifo = join(dir, 'pipe.safetensors');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  assertBounded(await evaluateWith(fifo), /Refusing .*pipe\.safetensors as the model file: it is a FIFO \(named pipe\); expected a regular file/);
});

test('/dev/zero as --model-file is refused (before, memory grew without bound)', async () => {
  assertBounded(await evaluateWith('/dev/zero'), /Refusing \/dev\/zero as the model file: it is a character device; expected a regular file/);
});

test('a folder as --model-file is a ModelFileError naming it, not a bare EISDIR', async () => {
  const folder = join(dir, 'folder.safetensors');
  mkdirSync(folder);
  assertBounded(await evaluateWith(folder), /Refusing .*folder\.safetensors as the model file: it is a directory; expected a regular file/);
});

test('a 1.9 GB model file whose header does not account for its size is refused after reading its header, not the whole file', async () => {
  const path = join(dir, 'sparse.safetensors');
  const header = Buffer.from(JSON.stringify({ 'dense/kernel': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(path, Buffer.concat([length, header]));
  assert.equal(spawnSync('truncate', ['-s', '1900000000', path]).status, 0, 'truncate'); // a hole: nothing on disk
  const run = await runSnippetBounded(
    `import { loadModelFile } from '${DIST_SRC}io/model-file.js';\n` +
      `try { await loadModelFile(${JSON.stringify(path)}); console.log('loaded'); } catch (e) { console.error(e.name + ': ' + e.message); process.exitCode = 1; }`,
    { timeoutSeconds: TIME_LIMIT_SECONDS },
  );
  assertBounded(run, /SafetensorsError: .*sparse\.safetensors is not a valid safetensors file: \d+ trailing bytes follow the last tensor/);
});

test('a symbolic link is judged by what it points to: one to /dev/zero is refused as a character device', async () => {
  const link = join(dir, 'link.safetensors');
  symlinkSync('/dev/zero', link);
  assertBounded(await evaluateWith(link), /Refusing .*link\.safetensors as the model file: it is a character device/);
});

test('a FIFO as a TF.js model.json is refused at once, not read forever', async () => {
  const fifo = join(dir, 'model.json');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const run = await runSnippetBounded(
    `import { loadTfjsModel } from '${DIST_SRC}io/tfjs-import.js';\n` +
      `try { await loadTfjsModel(${JSON.stringify(fifo)}); console.log('loaded'); } catch (e) { console.error(e.name + ': ' + e.message); process.exitCode = 1; }`,
    { timeoutSeconds: TIME_LIMIT_SECONDS },
  );
  assertBounded(run, /ModelFileError: Refusing .*model\.json as the TF\.js model\.json: it is a FIFO \(named pipe\); expected a regular file/);
});
