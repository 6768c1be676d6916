/**
 * The safetensors codec: byte-exact agreement with the public format (the
 * layouts the reference implementation produces), lossless round trips, and
 * one crafted bad file per rule of the strict reader, each checked on its message.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, MAX_HEADER_BYTES, SafetensorsError } from '../../src/io/safetensors.js';
import { findDuplicateKey } from '../../src/io/json-duplicate-keys.js';
import { ModelFileError } from '../../src/core/errors.js';

/** A file from a header (text or raw bytes) and data, with the header length as declared (default: the true one). */
function craft(header: string | Uint8Array, data: Uint8Array | number = 0, declared?: bigint): Uint8Array {
  const headerBytes = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const payload = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + headerBytes.length + payload.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(payload, 8 + headerBytes.length);
  return out;
}

function rejects(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => decodeSafetensors(bytes, 'bad.safetensors'), (error: unknown) => {
    assert.ok(error instanceof SafetensorsError, `expected a SafetensorsError, got ${String(error)}`);
    assert.ok(error instanceof ModelFileError, 'a SafetensorsError is a ModelFileError');
    assert.equal(error.name, 'SafetensorsError');
    assert.match(error.message, /^bad\.safetensors is not a valid safetensors file: /);
    assert.match(error.message, message);
    return true;
  });
}

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

describe('the public format, byte for byte', () => {
  test('one F32 tensor: length, JSON header, little-endian data (the reference layout)', () => {
    const bytes = encodeSafetensors([{ name: 'attn.0', shape: [1, 2, 3], data: Float32Array.from([0, 1, 2, 3, 4, 5]) }]);
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    assert.equal(header.length, 64); // already a multiple of 8: no padding
    const expected = craft(header, Uint8Array.from([0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]));
    assert.deepEqual(bytes, expected);
  });

  test('the header is padded with spaces to a multiple of 8, so data starts aligned', () => {
    assert.deepEqual(encodeSafetensors([]), craft('{}      '));
    assert.deepEqual(encodeSafetensors([], { framework: 'pt' }), craft('{"__metadata__":{"framework":"pt"}}     '));
    const bytes = encodeSafetensors([{ name: 'attn0', shape: [1, 1, 2, 3], data: new Float32Array(6) }]);
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(length % 8, 0);
    assert.match(new TextDecoder().decode(bytes.subarray(8, 8 + length)), /\}\}( +)$/);
  });

  test('reads a file as other writers lay it out: any key order, offsets relative to the data, padded header', () => {
    const header = JSON.stringify({ b: entry('I32', [2], 8, 16), __metadata__: { k: 'v' }, a: entry('I32', [2], 0, 8) }) + '   ';
    const data = new Uint8Array(16);
    new DataView(data.buffer).setInt32(0, -1, true);
    new DataView(data.buffer).setInt32(12, 7, true);
    const file = decodeSafetensors(craft(header, data));
    assert.deepEqual(file.tensors.map((t) => t.name), ['a', 'b']);
    assert.deepEqual([...file.tensors[0].data], [-1, 0]);
    assert.deepEqual([...file.tensors[1].data], [0, 7]);
    assert.equal(file.metadata.get('k'), 'v');
  });

  test('the example of the reference documentation decodes: I32 [2, 2] of zeros', () => {
    const file = decodeSafetensors(craft('{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}', 16));
    assert.equal(file.tensors[0].name, 'test');
    assert.ok(file.tensors[0].data instanceof Int32Array);
    assert.deepEqual([...file.tensors[0].data], [0, 0, 0, 0]);
  });
});

describe('round trip', () => {
  test('every supported dtype keeps each value bit for bit, including NaN, -0 and infinities', () => {
    const f32 = Float32Array.from([1.5, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38]);
    const f64 = Float64Array.from([Math.PI, -0, NaN, 5e-324, Number.MAX_VALUE]);
    const i32 = Int32Array.from([-2147483648, 2147483647, 0]);
    const u32 = Uint32Array.from([0, 4294967295, 123456789, 1]);
    const bytes = encodeSafetensors(
      [{ name: 'f32', shape: [7], data: f32 }, { name: 'f64', shape: [5], data: f64 }, { name: 'i32', shape: [1, 3], data: i32 }, { name: 'u32', shape: [2, 2], data: u32 }, { name: 'empty', shape: [0, 4], data: new Float32Array(0) }],
      { note: 'ünïcödé ✓', empty: '' },
    );
    const file = decodeSafetensors(bytes);
    const byName = new Map(file.tensors.map((t) => [t.name, t]));
    const bits = (a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) => [...new Uint8Array(a.buffer, a.byteOffset, a.byteLength)];
    assert.deepEqual(bits(byName.get('f32')!.data), bits(f32));
    assert.deepEqual(bits(byName.get('f64')!.data), bits(f64));
    assert.deepEqual(byName.get('i32')!.data, i32);
    assert.deepEqual(byName.get('u32')!.data, u32);
    assert.deepEqual(byName.get('i32')!.shape, [1, 3]);
    assert.deepEqual(byName.get('empty')!.shape, [0, 4]);
    assert.equal(file.metadata.get('note'), 'ünïcödé ✓');
    assert.equal(file.metadata.get('empty'), '');
  });

  test('integer-like tensor names keep their given order in the header', () => {
    const bytes = encodeSafetensors([{ name: 'b', shape: [1], data: new Float32Array(1) }, { name: '0', shape: [1], data: new Float32Array(1) }]);
    assert.deepEqual(decodeSafetensors(bytes).tensors.map((t) => t.name), ['b', '0']);
  });

  test('the writer refuses what it could not write faithfully', () => {
    assert.throws(() => encodeSafetensors([{ name: 'a', shape: [3], data: new Float32Array(2) }]), /tensor "a" has shape \[3\] but 2 values/);
    assert.throws(() => encodeSafetensors([{ name: 'a', shape: [1], data: new Float32Array(1) }, { name: 'a', shape: [1], data: new Float32Array(1) }]), /two tensors are named "a"/);
    assert.throws(() => encodeSafetensors([{ name: '__metadata__', shape: [1], data: new Float32Array(1) }]), /reserved for metadata/);
    assert.throws(() => encodeSafetensors([{ name: 'x', shape: [1], data: new Uint8Array(1) as never }]), /must be a Float32Array, Float64Array, Int32Array or Uint32Array/);
    assert.throws(() => encodeSafetensors([], { k: 1 as never }), /metadata must map strings to well-formed strings; "k" maps to 1/);
  });
});

describe('the strict reader: one crafted file per rule', () => {
  test('a file shorter than 8 bytes', () => {
    rejects(new Uint8Array(5), /it is 5 bytes long; a safetensors file starts with an 8-byte header length/);
  });

  test('a header length above the 100 MB cap, even the largest u64', () => {
    rejects(craft('{}', 0, BigInt(MAX_HEADER_BYTES + 1)), /header length is 100000001 bytes, above the 100000000-byte cap/);
    rejects(craft('{}', 0, 2n ** 64n - 1n), /header length is 18446744073709551615 bytes, above the/);
  });

  test('a header length past the end of the file', () => {
    rejects(craft('{}', 0, 100n), /header length is 100 bytes, past the end of the file \(2 bytes follow the length\)/);
  });

  test('a header that is not UTF-8', () => {
    rejects(craft(Uint8Array.from([0x7b, 0xff, 0x7d])), /header is not valid UTF-8/);
    // A lone surrogate encoded in UTF-8 form (CESU) is invalid UTF-8 too.
    rejects(craft(Uint8Array.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d])), /not valid UTF-8/);
  });

  test('a header that is not JSON, or not a JSON object', () => {
    rejects(craft('{nope}'), /header is not valid JSON/);
    rejects(craft('\ufeff{}'), /header is not valid JSON/); // a byte-order mark is not JSON
    rejects(craft('[]'), /header must be a JSON object; received an array/);
    rejects(craft('null'), /header must be a JSON object; received null/);
    rejects(craft(''), /header is not valid JSON/);
  });

  test('duplicate keys, which JSON.parse would silently collapse', () => {
    rejects(craft(`{"w":${JSON.stringify(entry('F32', [1], 0, 4))},"w":${JSON.stringify(entry('F32', [1], 0, 4))}}`, 4), /the header has the key "w" twice/);
    rejects(craft('{"__metadata__":{"a":"1","a":"2"}}'), /key "a" twice/);
    rejects(craft('{"__metadata__":{"a":"1","\\u0061":"2"}}'), /key "a" twice/);
    rejects(craft(`{"w":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}`, 4), /key "dtype" twice/);
  });

  test('an unknown or unsupported dtype', () => {
    rejects(craft(JSON.stringify({ w: entry('BF16', [2], 0, 4) }), 4), /tensor "w" has dtype "BF16"; convkit reads F32, F64, I32, U32/);
    rejects(craft(JSON.stringify({ w: entry('pickle', [1], 0, 1) }), 1), /dtype "pickle"/);
    rejects(craft(JSON.stringify({ w: { ...entry('F32', [1], 0, 4), dtype: 4 } }), 4), /dtype 4;/);
  });

  test('entries with a bad shape, bad offsets, or fields other than dtype, shape, data_offsets', () => {
    rejects(craft(JSON.stringify({ w: entry('F32', [-1], 0, 4) }), 4), /tensor "w" has shape \[-1\]; expected a list of non-negative integers/);
    rejects(craft(JSON.stringify({ w: entry('F32', [1.5], 0, 4) }), 4), /has shape \[1\.5\]/);
    rejects(craft(JSON.stringify({ w: entry('F32', [1], 4, 0) }), 4), /data_offsets \[4,0\]; expected \[begin, end\] with 0 <= begin <= end/);
    rejects(craft(JSON.stringify({ w: { ...entry('F32', [1], 0, 4), data_offsets: [0, 2 ** 60] } }), 4), /data_offsets \[0,1152921504606847000\]; expected \[begin, end\]/);
    rejects(craft(JSON.stringify({ w: { ...entry('F32', [1], 0, 4), eval: 'x' } }), 4), /tensor "w" must have exactly the fields dtype, shape, data_offsets; unexpected "eval"/);
    rejects(craft(JSON.stringify({ w: { dtype: 'F32', shape: [1] } }), 4), /missing data_offsets/);
    rejects(craft(JSON.stringify({ w: 'F32' }), 4), /tensor "w" must be an object/);
  });

  test('offsets that overlap, leave a gap, do not start at 0, or run out of bounds', () => {
    rejects(craft(JSON.stringify({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }), 12), /tensor "b" starts at byte 4, inside the previous tensor \(which ends at 8\)/);
    rejects(craft(JSON.stringify({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }), 12), /tensor "b" starts at byte 8, leaving a gap after byte 4/);
    rejects(craft(JSON.stringify({ a: entry('F32', [1], 4, 8) }), 8), /tensor "a" starts at byte 4, leaving a gap after byte 0/);
    rejects(craft(JSON.stringify({ a: entry('F32', [4], 0, 16) }), 8), /tensor "a" ends at byte 16, past the end of the data \(8 bytes\)/);
    // Two tensors claiming the same bytes: an overlap, however it is ordered.
    rejects(craft(JSON.stringify({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 0, 4) }), 8), /tensor "b" starts at byte 0, inside the previous tensor/);
  });

  test('a byte length that does not match shape x dtype size, with overflow caught', () => {
    rejects(craft(JSON.stringify({ w: entry('F32', [2, 2], 0, 12) }), 12), /tensor "w": shape \[2, 2\] of F32 needs 16 bytes, but data_offsets \[0, 12\] span 12/);
    rejects(craft(JSON.stringify({ w: entry('F64', [2], 0, 8) }), 8), /shape \[2\] of F64 needs 16 bytes/);
    rejects(craft(JSON.stringify({ w: entry('F32', [2 ** 40, 2 ** 40], 0, 16) }), 16), /tensor "w": shape \[1099511627776, 1099511627776\] of F32 overflows the byte count/);
    // Each factor is a safe integer, the byte count is not: 2^51 elements of 4 bytes.
    rejects(craft(JSON.stringify({ w: entry('F32', [2 ** 26, 2 ** 25], 0, 4) }), 4), /shape \[67108864, 33554432\] of F32 overflows the byte count/);
  });

  test('a huge declared tensor is refused before anything of its size is allocated', () => {
    // 2^50 bytes claimed, 8 present: allocating first would throw RangeError or exhaust memory instead.
    rejects(craft(JSON.stringify({ w: entry('F32', [2 ** 48], 0, 2 ** 50) }), 8), /tensor "w" ends at byte 1125899906842624, past the end of the data \(8 bytes\)/);
  });

  test('trailing bytes after the last tensor', () => {
    rejects(craft(JSON.stringify({ w: entry('F32', [1], 0, 4) }), 6), /2 trailing bytes follow the last tensor/);
    rejects(craft('{}', 1), /1 trailing bytes follow the last tensor/);
  });

  test('metadata that is not a map of strings to strings', () => {
    rejects(craft('{"__metadata__":{"epochs":3}}'), /"__metadata__" must map strings to strings; "epochs" maps to 3/);
    rejects(craft('{"__metadata__":{"a":{"b":"c"}}}'), /"a" maps to \{"b":"c"\}/);
    rejects(craft('{"__metadata__":"format=pt"}'), /"__metadata__" must be an object of strings; received "format=pt"/);
    rejects(craft('{"__metadata__":null}'), /must be an object of strings; received null/);
  });
});

describe('values from the file in messages', () => {
  test('a header nested 5,000 levels deep is refused by depth, naming the file, not by a stack overflow', () => {
    rejects(craft(`{"w": ${'['.repeat(5000)}${']'.repeat(5000)}}`), /the header nests deeper than 64 levels/);
    rejects(craft(`{"__metadata__": {"a": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`), /the header nests deeper than 64 levels/);
  });

  test('a tensor name with escape sequences is shown escaped, never raw', () => {
    rejects(craft(JSON.stringify({ '\x1b[2J\x1b]0;pwned\x07': { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }), 2), /tensor "\\x1b\[2J\\x1b\]0;pwned\\x07" has dtype "F16"/);
  });

  test('a 10 MB header value becomes a short message that gives its length', () => {
    assert.throws(() => decodeSafetensors(craft(JSON.stringify({ w: { dtype: 'x'.repeat(10_000_000), shape: [1], data_offsets: [0, 4] } }), 4), 'bad.safetensors'), (error: Error) => {
      assert.ok(error.message.length < 300, `${error.message.length} characters`);
      assert.match(error.message, /has dtype "x+"\.\.\. \(10000000 characters\)/);
      return true;
    });
  });
});

describe('findDuplicateKey', () => {
  test('finds duplicates at any depth and only within one object', () => {
    assert.equal(findDuplicateKey('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}'), undefined);
    assert.equal(findDuplicateKey('{"a":1,"b":[{"x":1,"x":2}]}'), 'x');
    assert.equal(findDuplicateKey('{"a":{"k":1},"a":{"k":1}}'), 'a');
  });

  test('is not fooled by quotes, braces or commas inside strings', () => {
    assert.equal(findDuplicateKey('{"a":"\\",\\"a\\":{","b":"}{[,"}'), undefined);
    assert.equal(findDuplicateKey('{"a\\"b":1,"a\\"b":2}'), 'a"b');
    assert.equal(findDuplicateKey('["a","a"]'), undefined);
  });
});
