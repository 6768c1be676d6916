/**
 * The one PNG writer (src/apps/image/png-write.ts): the streaming PngWriter
 * and the in-memory encodePng, grey and RGB, checked by decoding with pngjs
 * (an independent decoder) and by inflating the IDAT stream by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import pngjs from 'pngjs';
import { decodeGreyPng, pngHeader } from '../../../src/apps/image/png-read.js';
import { encodePng, PngWriter } from '../../../src/apps/image/png-write.js';
import { Random } from '../../../src/core/random.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'convkit-png-'));
}

function randomBytesSeeded(n: number, seed: number): Uint8Array {
  const random = new Random(seed);
  return Uint8Array.from({ length: n }, () => random.int(256));
}

/** RGBA of every pixel as pngjs (not convkit) decodes the file. */
function pngjsRgba(png: Uint8Array): { width: number; height: number; rgba: Buffer; colorType: number } {
  const decoded = pngjs.PNG.sync.read(Buffer.from(png));
  return { width: decoded.width, height: decoded.height, rgba: decoded.data, colorType: (decoded as unknown as { colorType: number }).colorType };
}

/** RGB bytes -> RGBA with opaque alpha, as a decoder returns them. */
function opaque(rgb: Uint8Array): Buffer {
  const rgba = Buffer.alloc((rgb.length / 3) * 4);
  for (let p = 0; p < rgb.length / 3; p++) {
    rgba.set(rgb.subarray(3 * p, 3 * p + 3), 4 * p);
    rgba[4 * p + 3] = 255;
  }
  return rgba;
}

/** The concatenated IDAT data of a PNG (its zlib stream) and the number of IDAT chunks. */
function idatStream(png: Uint8Array): { stream: Buffer; chunks: number } {
  const parts: Buffer[] = [];
  const buffer = Buffer.from(png);
  for (let at = 8; at + 8 <= buffer.length;) {
    const length = buffer.readUInt32BE(at);
    if (buffer.toString('latin1', at + 4, at + 8) === 'IDAT') parts.push(buffer.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return { stream: Buffer.concat(parts), chunks: parts.length };
}

test('a PNG compressed in many segments (levels 0, 1 and 9) is one valid zlib stream of the filtered rows, deterministic', async () => {
  const dir = tempDir();
  // Repeats at distances under 32 KiB that cross segment boundaries, plus random stretches.
  const pixels = new Uint8Array(150_000);
  const period = 97 * 200; // whole rows, so that the filtered stream repeats too
  pixels.set(randomBytesSeeded(period, 9), 0);
  for (let i = period; i < 120_000; i++) pixels[i] = pixels[i - period];
  pixels.set(randomBytesSeeded(30_000, 10), 120_000);
  const width = 97;
  const height = Math.ceil(pixels.length / width);
  const filtered = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) filtered.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const sizes: Record<string, number> = {};
  for (const [level, segmentBytes] of [[0, 40_000], [1, 40_000], [1, 1000], [9, 40_000], [1, 1 << 20]]) {
    const outputs: Buffer[] = [];
    for (const run of [0, 1]) {
      const path = join(dir, `l${level}-s${segmentBytes}-${run}.png`);
      const writer = new PngWriter(path, { width, height, compressionLevel: level, segmentBytes });
      for (let i = 0; i < pixels.length; i += 7777) await writer.write(pixels.subarray(i, i + 7777));
      await writer.finish({ Software: 'test' });
      outputs.push(readFileSync(path));
    }
    assert.deepEqual(outputs[0], outputs[1], `level ${level}: same pixels, same PNG bytes`);
    const { stream, chunks } = idatStream(outputs[0]);
    if (segmentBytes < filtered.length) assert.ok(chunks > 2, `level ${level}: ${chunks} IDAT chunks`);
    assert.deepEqual(new Uint8Array(zlib.inflateSync(stream)), filtered, `level ${level} segments ${segmentBytes}`);
    const image = decodeGreyPng(outputs[0], 1 << 20);
    assert.deepEqual(image.pixels.subarray(0, pixels.length), pixels);
    sizes[`${level}/${segmentBytes}`] = stream.length;
  }
  // Level 0 stores; level 1 finds the repeats also across segment boundaries (the previous
  // segment's tail is the dictionary), so segmenting costs almost nothing against one zlib stream.
  const oneStream = zlib.deflateSync(filtered, { level: 1 }).length;
  assert.ok(oneStream < 60_000, `one stream: ${oneStream}`);
  assert.ok(sizes['0/40000'] > filtered.length, `stored: ${sizes['0/40000']}`);
  assert.ok(sizes['1/40000'] < oneStream * 1.05, `level 1 in 40 KB segments: ${sizes['1/40000']} vs ${oneStream}`);
  assert.ok(sizes['1/1000'] < oneStream * 1.1, `level 1 in segments smaller than the window: ${sizes['1/1000']} vs ${oneStream}`);
  assert.throws(() => new PngWriter(join(dir, 'x.png'), { width: 4, height: 4, compressionLevel: 10 }), /zlib level must be an integer from 0 to 9; received 10/);
});

test('PngWriter streams an RGB image: chunks may end inside a pixel, the last row is padded with zeros', async () => {
  const dir = tempDir();
  const width = 5;
  const height = 4;
  const samples = randomBytesSeeded(width * 3 * height - 7, 11); // two pixels and one sample short of the last row
  const path = join(dir, 'rgb.png');
  const writer = new PngWriter(path, { width, height, colour: 'rgb', segmentBytes: 16 });
  for (let i = 0; i < samples.length; i += 4) await writer.write(samples.subarray(i, i + 4));
  await writer.finish({ 'convkit:note': 'rgb' });
  const png = readFileSync(path);
  const decoded = pngjsRgba(png);
  assert.equal(decoded.colorType, 2);
  assert.deepEqual([decoded.width, decoded.height], [width, height]);
  const padded = new Uint8Array(width * 3 * height);
  padded.set(samples);
  assert.deepEqual(decoded.rgba, opaque(padded));
  assert.equal(pngHeader(png).text['convkit:note'], 'rgb');
});

test('PngWriter refuses more rows than it was laid out for, and a colour it does not write', async () => {
  const dir = tempDir();
  const writer = new PngWriter(join(dir, 'small.png'), { width: 2, height: 1 });
  await assert.rejects(writer.write(new Uint8Array(3)), /Too many pixels for a 2 x 1 PNG\./);
  await writer.abort();
  assert.throws(() => new PngWriter(join(dir, 'x.png'), { width: 2, height: 2, colour: 'cmyk' as never }), /A PNG colour is 'grey' or 'rgb'; received "cmyk"\./);
  assert.throws(() => new PngWriter(join(dir, 'y.png'), { width: 0, height: 2 }), /A PNG needs a positive integer width and height; received 0 x 2\./);
});

test('encodePng writes grey and RGB images that pngjs decodes to the same pixels, with text chunks, at every level', () => {
  const rgb = randomBytesSeeded(7 * 3 * 6, 12);
  const grey = randomBytesSeeded(7 * 6, 13);
  for (const level of [0, 1, 9]) {
    const rgbPng = encodePng({ width: 7, height: 6, data: rgb }, { colour: 'rgb', compressionLevel: level, text: { Software: 'convkit' } });
    const decoded = pngjsRgba(rgbPng);
    assert.equal(decoded.colorType, 2, `level ${level}`);
    assert.deepEqual(decoded.rgba, opaque(rgb), `level ${level}`);
    assert.equal(pngHeader(rgbPng).text.Software, 'convkit');
    const greyPng = encodePng({ width: 7, height: 6, data: grey }, { colour: 'grey', compressionLevel: level });
    assert.equal(pngjsRgba(greyPng).colorType, 0);
    assert.deepEqual(decodeGreyPng(greyPng, 1000).pixels, grey, `level ${level}`);
  }
  // The same image gives the same bytes; a flat picture compresses (level 6 by default).
  const flat = new Uint8Array(64 * 64 * 3).fill(200);
  const once = encodePng({ width: 64, height: 64, data: flat }, { colour: 'rgb' });
  assert.deepEqual(once, encodePng({ width: 64, height: 64, data: flat }, { colour: 'rgb' }));
  assert.ok(once.length < flat.length / 20, `a flat 64x64 picture takes ${once.length} bytes`);
});

test('encodePng and the streaming writer give the same pixels for the same grey image', async () => {
  const dir = tempDir();
  const pixels = randomBytesSeeded(33 * 17, 14);
  const path = join(dir, 'grey.png');
  const writer = new PngWriter(path, { width: 33, height: 17, compressionLevel: 9 });
  await writer.write(pixels);
  await writer.finish();
  const streamed = readFileSync(path);
  const inMemory = encodePng({ width: 33, height: 17, data: pixels }, { colour: 'grey' });
  assert.deepEqual(pngjsRgba(streamed).rgba, pngjsRgba(inMemory).rgba);
  assert.deepEqual(new Uint8Array(zlib.inflateSync(idatStream(streamed).stream)), new Uint8Array(zlib.inflateSync(idatStream(inMemory).stream)));
});

test('encodePng says how many bytes an image of that size and colour takes', () => {
  assert.throws(() => encodePng({ width: 2, height: 2, data: new Uint8Array(4) }, { colour: 'rgb' }), /A 2 x 2 rgb PNG takes 12 bytes \(3 per pixel\); received 4\./);
  assert.throws(() => encodePng({ width: 2, height: 2, data: new Uint8Array(4) }, { colour: 'grey', compressionLevel: -1 }), /zlib level must be an integer from 0 to 9; received -1/);
});
