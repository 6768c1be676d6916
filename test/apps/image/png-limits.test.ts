/**
 * PNG decompression bombs: the IDAT length is checked against what the IHDR
 * can need, and the data is inflated with an output limit of exactly that
 * need before pngjs (which has none) decodes it. The 1x1 interlaced bomb runs
 * through the family loader in a child process (test/bounded-child.ts) with
 * a stated time and peak-memory bound.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { decodeGreyPng, decodePngRgba, pngHeader, pngInflatedBytes } from '../../../src/apps/image/png-read.js';
import { DataError } from '../../../src/core/errors.js';
import { describeRun, DIST_SRC, runSnippetBounded } from '../../bounded-child.js';
import { pngWith, zerosZlib } from './png-fixtures.js';

const TIME_LIMIT_SECONDS = 20;
const PEAK_LIMIT_MIB = 512;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-png-limits-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the inflated size of an image: rows with their filter byte, each Adam7 pass counted', () => {
  assert.equal(pngInflatedBytes({ width: 3, height: 2, bitDepth: 8, colourType: 2, interlace: 0 }), 2 * (1 + 9));
  assert.equal(pngInflatedBytes({ width: 5, height: 1, bitDepth: 1, colourType: 0, interlace: 0 }), 1 + 1);
  assert.equal(pngInflatedBytes({ width: 2, height: 2, bitDepth: 16, colourType: 6, interlace: 0 }), 2 * (1 + 16));
  assert.equal(pngInflatedBytes({ width: 1, height: 1, bitDepth: 8, colourType: 0, interlace: 1 }), 2);
  // 8x8 grey, interlaced: 64 pixels plus one filter byte for each of the 15 rows of the 7 passes.
  assert.equal(pngInflatedBytes({ width: 8, height: 8, bitDepth: 8, colourType: 0, interlace: 1 }), 64 + 15);
});

test('a valid interlaced PNG still decodes: the need counted for it is exact, not short', () => {
  // Adam7 rows of an 8x8 grey image, every pixel 7, filter type 0: pass widths and heights as the spec lays them out.
  const passes = [[1, 1], [1, 1], [2, 1], [2, 2], [4, 2], [4, 4], [8, 4]];
  const raw = Buffer.concat(passes.flatMap(([w, h]) => Array.from({ length: h }, () => Buffer.from([0, ...new Array<number>(w).fill(7)]))));
  const png = pngWith({ width: 8, height: 8, interlace: 1 }, deflateSync(raw));
  assert.deepEqual(Array.from(decodeGreyPng(png, 64).pixels), new Array<number>(64).fill(7));
});

test('the IHDR is checked whole: colour type, bit depth, interlace, methods and size', () => {
  const idat = deflateSync(Buffer.alloc(2));
  const refused = (header: Parameters<typeof pngWith>[0], message: RegExp): void =>
    assert.throws(() => pngHeader(pngWith(header, idat)), (e: unknown) => e instanceof DataError && message.test(e.message));
  refused({ width: 1, height: 1, colourType: 5 }, /colour type 5; expected one of 0, 2, 3, 4, 6/);
  refused({ width: 1, height: 1, colourType: 2, bitDepth: 4 }, /bit depth 4 for colour type 2; expected one of 8, 16/);
  refused({ width: 1, height: 1, interlace: 2 }, /interlace method 2; expected 0 \(none\) or 1 \(Adam7\)/);
  refused({ width: 0, height: 1 }, /expected a width and height from 1 to 2147483647; received 0 x 1/);
});

test('image data far longer than the image can need is refused before anything is inflated', () => {
  const png = pngWith({ width: 1, height: 1, interlace: 1 }, Buffer.concat([deflateSync(Buffer.alloc(2)), Buffer.alloc(200_000)]));
  assert.throws(() => decodeGreyPng(png, 1 << 20, 'long.png'),
    /Cannot decode long\.png: its image data is 200\d+ compressed bytes; a 1 x 1 image \(colour type 0, 8-bit, interlaced\) needs 2 bytes inflated, so at most 65540 compressed are accepted/);
});

test('an IDAT length past the end of the file counts only the bytes present', () => {
  const png = pngWith({ width: 1, height: 1 }, deflateSync(Buffer.alloc(2)));
  const idatLength = 8 + 25; // signature, IHDR chunk: the IDAT's length field follows
  png.writeUInt32BE(0xffffffff, idatLength);
  assert.equal(pngHeader(png).dataBytes, png.length - idatLength - 8);
});

test('image data that inflates past the need is stopped at the need (short data, huge output), for grey and RGBA decoding', () => {
  const png = pngWith({ width: 64, height: 64 }, deflateSync(Buffer.alloc(10 << 20)));
  assert.ok(png.length < 65536, 'short enough for the length check: the output limit must catch it');
  const message = /its image data inflates past the 4160 bytes a 64 x 64 image \(colour type 0, 8-bit\) needs \(a decompression bomb or a corrupt file\), stopped there/;
  assert.throws(() => decodeGreyPng(png, 1 << 20, 'deep.png'), message);
  assert.throws(() => decodePngRgba(png), message);
});

test(`a 1x1 interlaced PNG whose data inflates to 1.5 GiB is refused by the family loader within ${TIME_LIMIT_SECONDS} s under ${PEAK_LIMIT_MIB} MiB`, async () => {
  const root = join(dir, 'families');
  mkdirSync(join(root, 'a'), { recursive: true });
  mkdirSync(join(root, 'b'));
  writeFileSync(join(root, 'a', 'bomb.png'), pngWith({ width: 1, height: 1, interlace: 1 }, zerosZlib(96)));
  writeFileSync(join(root, 'b', 'fine.bin'), Buffer.alloc(4096, 1));
  const run = await runSnippetBounded(
    `import { loadFamilyFolder } from '${DIST_SRC}apps/malware/family-dataset.js';\n` +
      `try { await loadFamilyFolder(${JSON.stringify(root)}, { size: 16 }); console.log('loaded'); } catch (e) { console.error(e.name + ': ' + e.message); process.exitCode = 1; }`,
    { timeoutSeconds: TIME_LIMIT_SECONDS },
  );
  assert.equal(run.killed, undefined, describeRun(run));
  assert.equal(run.status, 1, describeRun(run));
  assert.match(run.stderr, /DataError: Every family needs at least one readable sample; none in: a\. 1 files were skipped \(e\.g\. bomb\.png: Cannot decode .*bomb\.png: its image data is \d+ compressed bytes; a 1 x 1 image/, describeRun(run));
  assert.ok(run.peakMiB !== undefined && run.peakMiB < PEAK_LIMIT_MIB, `peak memory under ${PEAK_LIMIT_MIB} MiB: ${describeRun(run)}`);
});
