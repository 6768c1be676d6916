/** Typed arrays as base64 for JSON answers: Float32 little-endian, as the contract says (server-source.ts decodes them). */
import os from 'node:os';

const LITTLE_ENDIAN = os.endianness() === 'LE';

export function float32Base64(values: Float32Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i], i * 4);
  return bytes.toString('base64');
}

export function bytesBase64(values: Uint8Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}
