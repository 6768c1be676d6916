/**
 * Resource bombs given as IDX files, each run through the real CLI or loader in
 * a child process (test/bounded-child.ts): it must end within the stated time,
 * with a clear DataError, under the stated peak memory. The bombs are made
 * here, small on disk.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../../src/data/idx.js';
import { CLI, describeRun, DIST_SRC, runBounded, runSnippetBounded, type BoundedRun } from '../bounded-child.js';

// Stated bounds, far above what the readers need (tens of MiB): a regression that inflates, hangs or grows fails.
const TIME_LIMIT_SECONDS = 20;
const PEAK_LIMIT_MIB = 512;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-idx-limits-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A .gz whose IDX header declares 10 images of 28x28 (7,856 bytes with the header) and whose data then
 * inflates to 1 GiB: one gzip member for the header, then 64 members of 16 MiB of zeros (about 1 MiB on disk).
 */
function idxGzipBomb(): Buffer {
  const header = encodeIdx({ type: 'uint8', shape: [10, 28, 28], data: new Uint8Array(10 * 28 * 28) }).subarray(0, 16);
  const zeros = gzipSync(Buffer.alloc(16 << 20), { level: 9 });
  return Buffer.concat([gzipSync(header), ...Array.from({ length: 64 }, () => zeros)]);
}

/** An MNIST-style folder whose three other files are valid and small; train images is `trainImages` (written by the caller). */
function mnistFolder(name: string): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  const images = encodeIdx({ type: 'uint8', shape: [10, 28, 28], data: new Uint8Array(10 * 28 * 28) });
  const labels = encodeIdx({ type: 'uint8', shape: [10], data: new Uint8Array(10) });
  writeFileSync(join(folder, 'train-labels-idx1-ubyte'), labels);
  writeFileSync(join(folder, 't10k-images-idx3-ubyte'), images);
  writeFileSync(join(folder, 't10k-labels-idx1-ubyte'), labels);
  return folder;
}

function trainOn(folder: string): Promise<BoundedRun> {
  return runBounded([CLI, 'train', '--data', folder, '--epochs', '1', '--backend', 'reference', '--verbose', '0'], { timeoutSeconds: TIME_LIMIT_SECONDS });
}

function assertBounded(run: BoundedRun, message: RegExp): void {
  assert.equal(run.killed, undefined, describeRun(run));
  assert.equal(run.status, 1, describeRun(run));
  assert.match(run.stderr, message, describeRun(run));
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(run.peakMiB !== undefined && run.peakMiB < PEAK_LIMIT_MIB, `peak memory under ${PEAK_LIMIT_MIB} MiB: ${describeRun(run)}`);
}

test(`an IDX .gz bomb (1 MiB inflating to 1 GiB) stops at what its header declares: train --data fails within ${TIME_LIMIT_SECONDS} s under ${PEAK_LIMIT_MIB} MiB`, async () => {
  const folder = mnistFolder('gz-bomb');
  writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), idxGzipBomb());
  const run = await trainOn(folder);
  assertBounded(run, /train-images-idx3-ubyte\.gz inflates to more than the 7856 bytes its header declares .*a gzip bomb or a corrupt file, stopped there/);
});

test('a FIFO named like an IDX file is refused at once, not read forever', async () => {
  const folder = mnistFolder('fifo');
  const fifo = join(folder, 'train-images-idx3-ubyte');
  // coreutils' mkfifo: a failure to make the FIFO fails the test rather than passing it untested.
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  assertBounded(await trainOn(folder), /Refusing .*train-images-idx3-ubyte as the IDX file: it is a FIFO \(named pipe\); expected a regular file/);
});

test('/dev/zero behind an IDX file name is refused, not read until memory runs out', async () => {
  const folder = mnistFolder('dev-zero');
  symlinkSync('/dev/zero', join(folder, 'train-images-idx3-ubyte'));
  assertBounded(await trainOn(folder), /Refusing .*train-images-idx3-ubyte as the IDX file: it is a character device; expected a regular file/);
});

test('a plain IDX file whose header declares more than the file holds is refused before its data is read (a sparse 1.9 GB file)', async () => {
  const path = join(dir, 'sparse-idx3-ubyte');
  // Declares 10 images of 28x28 but is 1.9 GB long (a hole: nothing on disk). Before, it was read whole first.
  writeFileSync(path, encodeIdx({ type: 'uint8', shape: [10, 28, 28], data: new Uint8Array(10 * 28 * 28) }).subarray(0, 16));
  assert.equal(spawnSync('truncate', ['-s', '1900000000', path]).status, 0, 'truncate');
  const run = await runSnippetBounded(
    `import { readIdxFile } from '${DIST_SRC}data/idx.js';\n` +
      `try { await readIdxFile(${JSON.stringify(path)}); console.log('loaded'); } catch (e) { console.error(e.name + ': ' + e.message); process.exitCode = 1; }`,
    { timeoutSeconds: TIME_LIMIT_SECONDS },
  );
  assertBounded(run, /IdxFormatError: .*sparse-idx3-ubyte: IDX data size mismatch: shape \[10, 28, 28\] of uint8 needs 7840 data bytes .*received 1899999984 bytes after the 16-byte header \(the file has trailing bytes\)/);
});
