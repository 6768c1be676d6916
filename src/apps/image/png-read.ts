/**
 * convkit's one PNG reader, beside its writer (./png-write.ts): images of
 * samples (the Malimg layout, or binimg's own output) as grey levels, and
 * inspect's input pictures as RGBA. Decoding is pngjs's (every colour type,
 * bit depth and interlacing); this file adds the checks that matter for
 * untrusted input:
 * the declared size is checked against a pixel cap before anything is
 * inflated (a small PNG can declare a huge image), and convkit's text chunks
 * are read so that the zero padding of the last row can be cut off.
 */
import pngjs from 'pngjs';
import { DataError } from '../../core/errors.js';

export interface GreyImage {
  width: number;
  height: number;
  /** Row-major grey levels 0-255, width * height values. */
  pixels: Uint8Array;
  /** The sample's true byte count when the PNG records it (convkit:length), else undefined. */
  length?: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Walks the chunk list (without inflating) for IHDR's size and the tEXt chunks. */
export function pngHeader(bytes: Uint8Array): { width: number; height: number; text: Record<string, string> } {
  if (!isPng(bytes)) throw new DataError('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  const text: Record<string, string> = {};
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length));
    if (type === 'IHDR' && data.length >= 8) {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
    } else if (type === 'tEXt') {
      const zero = data.indexOf(0);
      if (zero > 0) text[Buffer.from(data.subarray(0, zero)).toString('latin1')] = Buffer.from(data.subarray(zero + 1)).toString('latin1');
    } else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (width === 0 || height === 0) throw new DataError('PNG without a valid IHDR chunk');
  return { width, height, text };
}

export function decodeGreyPng(bytes: Uint8Array, maxPixels: number, name = 'PNG'): GreyImage {
  let header;
  try {
    header = pngHeader(bytes);
  } catch (error) {
    throw new DataError(`Cannot read ${name}: ${(error as Error).message}.`);
  }
  const { width, height, text } = header;
  if (width * height > maxPixels) {
    throw new DataError(`Refusing ${name}: it declares ${width} x ${height} = ${width * height} pixels, over the cap of ${maxPixels}. Raise --max-bytes to accept larger images.`);
  }
  let decoded: { width: number; height: number; data: Buffer };
  try {
    decoded = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new DataError(`Cannot decode ${name}: ${(error as Error).message}.`);
  }
  const rgba = decoded.data;
  const pixels = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < pixels.length; i++, j += 4) {
    // ITU-R BT.601 luma: exact for grey images (R = G = B), a reasonable grey for colour ones.
    pixels[i] = Math.round(0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2]);
  }
  const recorded = Number(text['convkit:length']);
  const length = Number.isInteger(recorded) && recorded > 0 && recorded <= pixels.length ? recorded : undefined;
  return { width, height, pixels, length };
}

/** Every pixel as 8-bit R G B A, whatever the file's colour type and bit depth; check the size with pngHeader first. */
export function decodePngRgba(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const decoded = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: decoded.width, height: decoded.height, rgba: decoded.data };
}
