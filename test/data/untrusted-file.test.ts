/**
 * The one opener of files convkit did not write (src/data/untrusted-file.ts):
 * regular files only, the caller's error kind naming the file, reads that
 * never pass the size fstat gave or the caller's cap.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openUntrustedFile, withUntrustedFile } from '../../src/data/untrusted-file.js';
import { encodeIdx, readIdxFile } from '../../src/data/idx.js';
import { loadMnist } from '../../src/data/mnist.js';
import { DataError, ModelFileError } from '../../src/core/errors.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-untrusted-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a regular file is read by ranges and whole; a link is followed unless noFollow', async () => {
  const path = join(dir, 'plain.bin');
  writeFileSync(path, Uint8Array.from([1, 2, 3, 4, 5]));
  await withUntrustedFile(path, { what: 'the test file' }, async (file) => {
    assert.equal(file.size, 5);
    assert.deepEqual([...await file.readRange(1, 3)], [2, 3, 4]);
    assert.deepEqual([...await file.readAll(5)], [1, 2, 3, 4, 5]);
  });
  const link = join(dir, 'link.bin');
  symlinkSync(path, link);
  await withUntrustedFile(link, { what: 'the test file' }, async (file) => assert.equal(file.size, 5));
  await assert.rejects(openUntrustedFile(link, { what: 'a sample', noFollow: true }),
    (e: unknown) => e instanceof DataError && /^Refusing .*link\.bin as a sample: it is a symbolic link; expected a regular file \(links are not followed\)\.$/.test(e.message));
});

test('the error kind is the caller\'s, and a directory is named as one (no bare EISDIR)', async () => {
  const folder = join(dir, 'folder');
  mkdirSync(folder);
  await assert.rejects(openUntrustedFile(folder, { what: 'the model file', kind: ModelFileError }),
    (e: unknown) => e instanceof ModelFileError && e.message === `Refusing ${folder} as the model file: it is a directory; expected a regular file.`);
  await assert.rejects(openUntrustedFile(join(dir, 'missing'), { what: 'the IDX file' }),
    (e: unknown) => e instanceof DataError && /^Cannot read the IDX file: ENOENT: .*missing/.test(e.message) && (e.cause as NodeJS.ErrnoException).code === 'ENOENT');
});

test('nothing is read past the cap, past the size at open time, or from a file that shrank or grew meanwhile', async () => {
  const path = join(dir, 'changing.bin');
  writeFileSync(path, new Uint8Array(100));
  await withUntrustedFile(path, { what: 'the test file' }, async (file) => {
    await assert.rejects(file.readAll(99), /^DataError: The test file .*changing\.bin is 100 bytes, over the cap of 99 bytes for the test file; it is not read\.$/);
    await assert.rejects(file.readRange(90, 20), /changing\.bin is 100 bytes; expected at least 110 \(it is truncated\)/);
    appendFileSync(path, new Uint8Array(10));
    await assert.rejects(file.readAll(1000), /changing\.bin grew while it was being read \(it was 100 bytes when opened\)/);
    truncateSync(path, 50);
    await assert.rejects(file.readRange(0, 100), /changing\.bin shrank while it was being read \(expected 100 bytes, read 50\)/);
  });
});

test('a folder named like an IDX file is a DataError naming its path, from readIdxFile and from loadMnist', async () => {
  const data = join(dir, 'mnist');
  mkdirSync(join(data, 'train-images-idx3-ubyte'), { recursive: true });
  // The other three are valid, so that the folder is the only fault whichever file is read first.
  writeFileSync(join(data, 'train-labels-idx1-ubyte'), encodeIdx({ type: 'uint8', shape: [1], data: [0] }));
  writeFileSync(join(data, 't10k-images-idx3-ubyte'), encodeIdx({ type: 'uint8', shape: [1, 2, 2], data: [0, 0, 0, 0] }));
  writeFileSync(join(data, 't10k-labels-idx1-ubyte'), encodeIdx({ type: 'uint8', shape: [1], data: [0] }));
  const expected = `Refusing ${join(data, 'train-images-idx3-ubyte')} as the IDX file: it is a directory; expected a regular file.`;
  await assert.rejects(readIdxFile(join(data, 'train-images-idx3-ubyte')), (e: unknown) => e instanceof DataError && e.message === expected);
  await assert.rejects(loadMnist({ dataDir: data }), (e: unknown) => e instanceof DataError && e.message === expected);
});
