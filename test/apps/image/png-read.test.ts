/**
 * The PNG reader (src/apps/image/png-read.ts) on untrusted files: the size is
 * checked before anything is inflated, and binimg's recorded length trims the
 * zero padding of the last row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGreyPng, decodePngRgba, pngHeader } from '../../../src/apps/image/png-read.js';
import { encodePng } from '../../../src/apps/image/png-write.js';

test('a PNG that declares more pixels than the cap is refused before it is decoded', () => {
  const png = encodePng({ width: 40, height: 30, data: new Uint8Array(1200) }, { colour: 'grey' });
  assert.throws(() => decodeGreyPng(png, 1199, 'big.png'), /Refusing big\.png: it declares 40 x 30 = 1200 pixels, over the cap of 1199\. Raise --max-bytes/);
  assert.equal(decodeGreyPng(png, 1200).pixels.length, 1200);
});

test('bytes that are not a PNG are named as such', () => {
  assert.throws(() => pngHeader(new Uint8Array(16)), /not a PNG file \(bad signature\)/);
  assert.throws(() => decodeGreyPng(new Uint8Array(16), 100, 'x.bin'), /Cannot read x\.bin: not a PNG file \(bad signature\)\./);
});

test('convkit:length is read back only when it fits the image', () => {
  const data = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
  const recorded = (length: string) => decodeGreyPng(encodePng({ width: 4, height: 3, data }, { colour: 'grey', text: { 'convkit:length': length } }), 100).length;
  assert.equal(recorded('10'), 10);
  assert.equal(recorded('13'), undefined);
  assert.equal(recorded('-1'), undefined);
});

test('colour pixels are turned to grey with BT.601 luma; decodePngRgba keeps them', () => {
  const rgb = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 10, 10);
  const png = encodePng({ width: 2, height: 2, data: rgb }, { colour: 'rgb' });
  assert.deepEqual(Array.from(decodeGreyPng(png, 4).pixels), [76, 150, 29, 10]);
  assert.deepEqual(Array.from(decodePngRgba(png).rgba), [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 10, 10, 255]);
});
