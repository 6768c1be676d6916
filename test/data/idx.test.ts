import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  encodeIdx, IdxFormatError, isGzip, parseIdx, readIdxFile, writeIdxFile,
  type IdxInput, type IdxType,
} from '../../src/data/idx.js';
import { ConfigError, DataError, ShapeError } from '../../src/core/errors.js';

// Extremes of each type, plus values that a wrong byte order or width would mangle.
const SAMPLES: { [T in IdxType]: number[] } = {
  uint8: [0, 1, 127, 128, 254, 255],
  int8: [-128, -1, 0, 1, 100, 127],
  int16: [-32768, -258, -1, 0, 258, 32767],
  int32: [-2147483648, -16909060, -1, 0, 16909060, 2147483647],
  float32: [-3.5, -0, 0, Math.fround(0.1), Infinity, NaN],
  float64: [-1e300, -0, 0.1, Math.PI, -Infinity, NaN],
};

const CONSTRUCTORS = {
  uint8: Uint8Array, int8: Int8Array, int16: Int16Array,
  int32: Int32Array, float32: Float32Array, float64: Float64Array,
} as const;

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

describe('IDX round trip', () => {
  for (const type of Object.keys(SAMPLES) as IdxType[]) {
    it(`encodes and decodes ${type} exactly, with the right typed array`, () => {
      const input: IdxInput = { type, shape: [2, 3], data: SAMPLES[type] };
      const parsed = parseIdx(encodeIdx(input), `sample-${type}`);
      assert.equal(parsed.type, type);
      assert.deepEqual(parsed.shape, [2, 3]);
      assert.ok(parsed.data instanceof CONSTRUCTORS[type], `expected ${CONSTRUCTORS[type].name}`);
      assert.deepEqual(Array.from(parsed.data), SAMPLES[type]);
    });
  }

  it('writes the header and multi-byte elements big-endian, as the format defines', () => {
    const encoded = encodeIdx({ type: 'int16', shape: [2], data: [0x0102, -2] });
    assert.deepEqual([...encoded], [0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  });

  it('decodes a hand-made big-endian file (not only its own output)', () => {
    const file = bytes(0, 0, 0x0c, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfe);
    const parsed = parseIdx(file, 'hand-made');
    assert.equal(parsed.type, 'int32');
    assert.deepEqual(parsed.shape, [1, 2]);
    assert.deepEqual(Array.from(parsed.data), [0x01020304, -2]);
  });

  it('reads a buffer that is a view at an odd offset into a larger one', () => {
    const encoded = encodeIdx({ type: 'float64', shape: [3], data: [1.5, -2.25, 1e-300] });
    const backing = new Uint8Array(encoded.length + 10);
    backing.set(encoded, 3);
    const view = backing.subarray(3, 3 + encoded.length);
    assert.deepEqual(Array.from(parseIdx(view).data), [1.5, -2.25, 1e-300]);
  });

  it('returns a copy, so later changes to the input buffer do not leak into the data', () => {
    const encoded = encodeIdx({ type: 'uint8', shape: [3], data: [7, 8, 9] });
    const parsed = parseIdx(encoded);
    encoded.fill(0);
    assert.deepEqual(Array.from(parsed.data), [7, 8, 9]);
  });

  it('accepts a zero-length dimension with an empty data section (an empty split)', () => {
    const parsed = parseIdx(encodeIdx({ type: 'uint8', shape: [0, 28, 28], data: [] }));
    assert.deepEqual(parsed.shape, [0, 28, 28]);
    assert.equal(parsed.data.length, 0);
  });

  it('round-trips through gzip, detected by content', () => {
    const gz = encodeIdx({ type: 'int16', shape: [3], data: [1, -2, 3] }, { gzip: true });
    assert.ok(isGzip(gz));
    assert.deepEqual(Array.from(parseIdx(gz).data), [1, -2, 3]);
  });
});

describe('IDX files on disk', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'convkit-idx-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes .gz names gzipped by default and reads them back', async () => {
    const path = join(dir, 'values.idx.gz');
    await writeIdxFile(path, { type: 'float32', shape: [2, 2], data: [0.5, -1, 2, 4] });
    const raw = await readFile(path);
    assert.ok(isGzip(raw));
    const parsed = await readIdxFile(path);
    assert.deepEqual(parsed.shape, [2, 2]);
    assert.deepEqual(Array.from(parsed.data), [0.5, -1, 2, 4]);
  });

  it('names the file in its errors', async () => {
    const path = join(dir, 'broken-labels-idx1-ubyte');
    await writeFile(path, bytes(0, 0, 0x08, 1, 0, 0, 0, 5, 1, 2));
    await assert.rejects(readIdxFile(path), (error: unknown) => {
      assert.ok(error instanceof IdxFormatError);
      assert.equal(error.source, path);
      assert.ok(error.message.startsWith(`${path}: `), error.message);
      return true;
    });
  });

  it('a file that cannot be read is a DataError naming the file and the reason', async () => {
    const path = join(dir, 'missing-idx1-ubyte');
    await assert.rejects(readIdxFile(path), (error: unknown) => {
      assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
      assert.ok(error.message.startsWith('Cannot read the IDX file: ENOENT'), error.message);
      assert.ok(error.message.includes(path), error.message);
      return true;
    });
  });
});

describe('IDX rejects malformed input with a message naming expected and received', () => {
  const rejects = (input: Uint8Array, pattern: RegExp): void => {
    assert.throws(() => parseIdx(input, 'sample.idx'), (error: unknown) => {
      assert.ok(error instanceof IdxFormatError, `expected IdxFormatError, got ${String(error)}`);
      assert.ok(error instanceof DataError, 'an IdxFormatError is a DataError');
      assert.equal(error.name, 'IdxFormatError');
      assert.match(error.message, /^sample\.idx: /);
      assert.match(error.message, pattern);
      return true;
    });
  };

  it('a gzipped buffer is inflated no further than its header declares (fuzz target idx-gz)', () => {
    // Declares 4 uint8 values, then 64 MiB of zeros: stopped at the declared 12 bytes, not inflated whole.
    const lying = gzipSync(Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0, 4]), Buffer.alloc(64 << 20)]));
    rejects(lying, /could not be decompressed \(limit 12 bytes\)/);
    // Declares 2^31 values that 40-odd gzipped bytes could never hold: refused before inflating the data.
    rejects(gzipSync(bytes(0, 0, 8, 1, 0x80, 0, 0, 0)), /the header declares 2147483656 bytes \(header and data\), more than \d+ gzipped bytes can inflate to/);
    // An honest gzipped file still decodes.
    assert.deepEqual(parseIdx(gzipSync(bytes(0, 0, 8, 1, 0, 0, 0, 2, 7, 9)), 'ok.idx.gz').data, Uint8Array.of(7, 9));
  });

  it('a file too short for the magic', () => {
    rejects(bytes(0, 0, 8), /expected at least 4 bytes .*; received 3 bytes/);
    rejects(bytes(), /expected at least 4 bytes .*; received 0 bytes/);
  });

  it('a file too short for the dimensions its rank announces', () => {
    rejects(bytes(0, 0, 8, 3, 0, 0, 0, 1), /rank 3: expected at least 16 bytes; received 8 bytes/);
  });

  it('non-zero magic bytes', () => {
    rejects(bytes(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0), /expected magic bytes 0x00 0x00; received 0x89 0x50/);
  });

  it('an unknown type byte', () => {
    rejects(bytes(0, 0, 0x07, 1, 0, 0, 0, 0), /expected one of 0x08 \(uint8\), .*0x0e \(float64\); received 0x07/);
  });

  it('rank 0 and an absurd rank', () => {
    rejects(bytes(0, 0, 8, 0), /expected 1 to 16; received 0/);
    rejects(bytes(0, 0, 8, 200), /expected 1 to 16; received 200/);
  });

  it('truncated data, giving both byte counts', () => {
    rejects(bytes(0, 0, 0x0b, 1, 0, 0, 0, 3, 0, 1, 0, 2, 0), /needs 6 data bytes \(3 x 2\); received 5 bytes .*truncated/);
  });

  it('trailing bytes after the data', () => {
    rejects(bytes(0, 0, 0x08, 1, 0, 0, 0, 2, 1, 2, 3), /needs 2 data bytes \(2 x 1\); received 3 bytes .*trailing/);
  });

  it('an empty shape followed by data', () => {
    rejects(bytes(0, 0, 0x08, 2, 0, 0, 0, 0, 0, 0, 0, 9, 1), /needs 0 data bytes .*; received 1 bytes/);
  });

  it('a shape whose element count overflows, without trying to allocate it', () => {
    const huge = [0xff, 0xff, 0xff, 0xff];
    rejects(bytes(0, 0, 0x08, 3, ...huge, ...huge, ...huge, 1, 2), /shape \[4294967295, 4294967295, 4294967295\] .*over 2\^53 - 1.*received only 2 data bytes/);
  });

  it('a header claiming gigabytes over a few bytes of data, without allocating them', () => {
    const expectedBytes = 0xffffffff * 0xffff * 8;
    rejects(bytes(0, 0, 0x0e, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0xff, 0xff, 1), new RegExp(`needs ${expectedBytes} data bytes .*; received 1 bytes`));
  });

  it('a corrupt gzip stream', () => {
    const gz = encodeIdx({ type: 'uint8', shape: [100], data: new Uint8Array(100) }, { gzip: true });
    rejects(gz.subarray(0, gz.length - 6), /gzip magic 1f 8b but could not be decompressed/);
  });

  it('a gzip stream that inflates past the configured limit', () => {
    const bomb = gzipSync(new Uint8Array(1 << 20));
    assert.throws(
      () => parseIdx(bomb, 'bomb.gz', { maxDecompressedBytes: 1024 }),
      /^IdxFormatError: bomb\.gz: .*could not be decompressed \(limit 1024 bytes\)/,
    );
  });
});

describe('encodeIdx refuses what it cannot write faithfully', () => {
  it('integer values out of range or fractional', () => {
    assert.throws(() => encodeIdx({ type: 'uint8', shape: [2], data: [1, 256] }), (e: unknown) => e instanceof DataError && /uint8 holds integers in \[0, 255\]; received 256 at index 1/.test(e.message));
    assert.throws(() => encodeIdx({ type: 'int8', shape: [1], data: [-129] }), /int8 holds integers in \[-128, 127\]; received -129 at index 0/);
    assert.throws(() => encodeIdx({ type: 'int32', shape: [2], data: [0, 0.5] }), /received 0\.5 at index 1/);
  });

  it('a data length that does not match the shape', () => {
    assert.throws(() => encodeIdx({ type: 'float32', shape: [2, 3], data: [1, 2, 3] }), (e: unknown) => e instanceof ShapeError && /shape \[2, 3\] needs 6 elements; received 3/.test(e.message));
  });

  it('bad ranks and dimensions', () => {
    assert.throws(() => encodeIdx({ type: 'uint8', shape: [], data: [] }), /rank 1 to 16; received \[\] \(rank 0\)/);
    assert.throws(() => encodeIdx({ type: 'uint8', shape: [-1], data: [] }), /integer in \[0, 4294967295\]; received -1 at axis 0/);
    assert.throws(() => encodeIdx({ type: 'uint8', shape: [1, 1.5], data: [1] }), /received 1\.5 at axis 1/);
  });

  it('an unknown type', () => {
    assert.throws(() => encodeIdx({ type: 'uint16' as IdxType, shape: [1], data: [1] }), (e: unknown) => e instanceof ConfigError && /expected one of uint8, .*; received uint16/.test(e.message));
  });
});

describe('readIdxFile given a file of another known kind', () => {
  it('names the kind and what reads it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convkit-idx-kind-'));
    try {
      const png = join(dir, 'digit.png');
      await writeFile(png, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
      await assert.rejects(readIdxFile(png), (e: unknown) => e instanceof DataError && /digit\.png is a PNG image, not an IDX file: convkit predict reads PNG images/.test(e.message));
      const json = join(dir, 'model.json');
      await writeFile(json, '{"modelTopology": {}, "weightsManifest": []}');
      await assert.rejects(readIdxFile(json), (e: unknown) => e instanceof DataError && /model\.json is a TF\.js layers model \(model\.json\), not an IDX file: read it with loadTfjsModel\(\)/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
