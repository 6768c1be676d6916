/**
 * convkit's one PNG reader, beside its writer (./png-write.ts): images of
 * samples (the Malimg layout, or binimg's own output) as grey levels, and
 * inspect's input pictures as RGBA. Decoding is pngjs's (every colour type,
 * bit depth and interlacing); this file adds the checks that matter for
 * untrusted input:
 * - the IHDR is checked whole (size, bit depth, colour type, interlace) and
 *   the declared size against a pixel cap before anything is inflated (a
 *   small PNG can declare a huge image);
 * - the compressed data (all IDAT chunks) must not be much longer than what
 *   an image of that IHDR can need, and it is inflated once with an output
 *   limit of exactly the bytes that image needs (filter bytes and Adam7
 *   passes counted) before pngjs sees it: a 1x1 PNG whose data inflates to
 *   gigabytes is refused at its length, or at the first byte past the need
 *   (test/apps/image/png-limits.test.ts);
 * - convkit's text chunks are read so that the zero padding of the last row
 *   can be cut off.
 */
import { inflateSync } from 'node:zlib';
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

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  /** 0 none, 1 Adam7. */
  interlace: number;
  text: Record<string, string>;
  /** Total length of the IDAT chunks (the compressed image data). */
  dataBytes: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Samples per pixel and the bit depths allowed, by colour type (PNG spec, table 11.1). */
const COLOUR_TYPES: { readonly [type: number]: { channels: number; depths: readonly number[] } } = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

// The spec's limit on width and height (2^31 - 1).
const MAX_DIMENSION = 0x7fffffff;

// Adam7 passes: [x start, y start, x step, y step].
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Walks the chunk list (without inflating) for the IHDR, the tEXt chunks and the IDAT length; checks the IHDR. */
export function pngHeader(bytes: Uint8Array): PngHeader {
  if (!isPng(bytes)) throw new DataError('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Omit<PngHeader, 'text' | 'dataBytes'> | undefined;
  let dataBytes = 0;
  const text: Record<string, string> = {};
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length));
    if (at === 8) {
      if (type !== 'IHDR' || length !== 13 || data.length < 13) {
        throw new DataError(`PNG without a valid IHDR chunk: expected a 13-byte IHDR first; received ${JSON.stringify(type)} of ${length} bytes`);
      }
      header = checkIhdr(view, at + 8);
    } else if (type === 'IDAT') {
      // The bytes present, not the length declared: a length past the end of the file must not size a buffer.
      dataBytes += data.length;
    } else if (type === 'tEXt') {
      const zero = data.indexOf(0);
      if (zero > 0) text[Buffer.from(data.subarray(0, zero)).toString('latin1')] = Buffer.from(data.subarray(zero + 1)).toString('latin1');
    } else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (header === undefined) throw new DataError('PNG without a valid IHDR chunk');
  return { ...header, text, dataBytes };
}

function checkIhdr(view: DataView, at: number): Omit<PngHeader, 'text' | 'dataBytes'> {
  const width = view.getUint32(at);
  const height = view.getUint32(at + 4);
  const [bitDepth, colourType, compression, filter, interlace] = [8, 9, 10, 11, 12].map((i) => view.getUint8(at + i)) as [number, number, number, number, number];
  if (width === 0 || height === 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new DataError(`PNG without a valid IHDR chunk: expected a width and height from 1 to ${MAX_DIMENSION}; received ${width} x ${height}`);
  }
  const colour = COLOUR_TYPES[colourType];
  if (colour === undefined) throw new DataError(`PNG IHDR has colour type ${colourType}; expected one of 0, 2, 3, 4, 6`);
  if (!colour.depths.includes(bitDepth)) {
    throw new DataError(`PNG IHDR has bit depth ${bitDepth} for colour type ${colourType}; expected one of ${colour.depths.join(', ')}`);
  }
  if (compression !== 0 || filter !== 0) throw new DataError(`PNG IHDR has compression method ${compression} and filter method ${filter}; expected 0 and 0`);
  if (interlace > 1) throw new DataError(`PNG IHDR has interlace method ${interlace}; expected 0 (none) or 1 (Adam7)`);
  return { width, height, bitDepth, colourType, interlace };
}

/** Bytes the inflated image data of this IHDR takes: each row of each pass, plus its filter-type byte. */
export function pngInflatedBytes(header: Pick<PngHeader, 'width' | 'height' | 'bitDepth' | 'colourType' | 'interlace'>): number {
  const bitsPerPixel = COLOUR_TYPES[header.colourType]!.channels * header.bitDepth;
  const rows = (width: number, height: number): number => (width === 0 || height === 0 ? 0 : height * (1 + Math.ceil((width * bitsPerPixel) / 8)));
  if (header.interlace === 0) return rows(header.width, header.height);
  return ADAM7.reduce((sum, [x0, y0, dx, dy]) =>
    sum + rows(Math.ceil(Math.max(0, header.width - x0) / dx), Math.ceil(Math.max(0, header.height - y0) / dy)), 0);
}

/**
 * The most compressed data accepted for `inflated` bytes of image data. Stored deflate blocks cost 5 bytes
 * per 64 KiB and fixed Huffman codes at most 9 bits a byte; twice the need plus 64 KiB leaves room for any
 * sane encoder and still refuses a bomb, whose data is far longer than its tiny image can need.
 */
function maxCompressedBytes(inflated: number): number {
  return 2 * inflated + 65536;
}

/**
 * Checks the IDAT length against the IHDR, then inflates the data once with an output limit of exactly
 * what the image needs, before pngjs (which has no limit) decodes it. Throws a plain message; callers
 * wrap it with the file's name.
 */
function checkImageData(bytes: Uint8Array, header: PngHeader): void {
  const need = pngInflatedBytes(header);
  const shape = `a ${header.width} x ${header.height} image (colour type ${header.colourType}, ${header.bitDepth}-bit${header.interlace ? ', interlaced' : ''})`;
  if (header.dataBytes > maxCompressedBytes(need)) {
    throw new DataError(`its image data is ${header.dataBytes} compressed bytes; ${shape} needs ${need} bytes inflated, so at most ${maxCompressedBytes(need)} compressed are accepted`);
  }
  const data = new Uint8Array(header.dataBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (let at = 8; at + 8 <= bytes.length && offset < data.length;) {
    const length = view.getUint32(at);
    if (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'IDAT') {
      const chunk = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length));
      data.set(chunk, offset);
      offset += chunk.length;
    }
    at += 12 + length;
  }
  try {
    inflateSync(data.subarray(0, offset), { maxOutputLength: Math.max(need, 1) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataError(`its image data inflates past the ${need} bytes ${shape} needs (a decompression bomb or a corrupt file), stopped there`);
    }
    throw new DataError(`its image data cannot be inflated: ${(error as Error).message}`);
  }
}

/** pngjs's decode, after checkImageData has bounded what it will inflate. */
function decodeChecked(bytes: Uint8Array, header: PngHeader): { width: number; height: number; data: Buffer } {
  checkImageData(bytes, header);
  return pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
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
    decoded = decodeChecked(bytes, header);
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
  const decoded = decodeChecked(bytes, pngHeader(bytes));
  return { width: decoded.width, height: decoded.height, rgba: decoded.data };
}
