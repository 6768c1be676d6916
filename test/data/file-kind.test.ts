/** sniffFileKind: each known kind recognised from real bytes (convkit's own writers where it has one), and files of no known kind left alone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffFileKind, wrongKindMessage, type FileKindName } from '../../src/data/file-kind.js';
import { encodeIdx } from '../../src/data/idx.js';
import { encodeModel } from '../../src/io/model-file.js';
import { encodeOnnx } from '../../src/io/onnx-export.js';
import { tfjsArtifacts } from '../../src/io/tfjs-export.js';
import { encodePng } from '../../src/apps/image/png-write.js';
import { Sequential, layers } from '../../src/index.js';

function tinyModel(): Sequential {
  const model = new Sequential([layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }), layers.flatten(), layers.dense({ units: 3, activation: 'softmax' })], { backend: 'reference', seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  return model;
}

/** A zip archive's first local file header, naming `entry` (enough for the sniffer: it reads the first entry's name). */
function zipStartingWith(entry: string): Uint8Array {
  const name = Buffer.from(entry, 'latin1');
  const header = Buffer.alloc(30 + name.length);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(name.length, 26);
  name.copy(header, 30);
  return header;
}

const kindOf = (bytes: Uint8Array, name?: string): FileKindName | undefined => sniffFileKind(bytes, name)?.name;

test('a convkit model file (safetensors) is recognised', () => {
  assert.equal(kindOf(encodeModel(tinyModel())), 'safetensors');
});

test('a TF.js model.json is recognised, as convkit exports it and as tfjs writes it (topology first or manifest first)', () => {
  assert.equal(kindOf(Buffer.from(JSON.stringify(tfjsArtifacts(tinyModel()).modelJson, null, 1))), 'tfjs-model-json');
  assert.equal(kindOf(Buffer.from('\ufeff  {"weightsManifest": [], "modelTopology": {}}')), 'tfjs-model-json');
  // Any other JSON is no known kind.
  assert.equal(kindOf(Buffer.from('{"name": "convkit", "version": "1.0.0"}')), undefined);
});

test('a PNG image is recognised', () => {
  assert.equal(kindOf(encodePng({ width: 2, height: 2, data: new Uint8Array(4) }, { colour: 'grey' })), 'png');
});

test('an ONNX model is recognised, as convkit exports it', () => {
  assert.equal(kindOf(encodeOnnx(tinyModel())), 'onnx');
});

test('a Keras HDF5 file is recognised, with its signature at 0 or after a 512-byte user block', () => {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.equal(kindOf(Uint8Array.from([...signature, 0, 0, 0, 0])), 'keras-h5');
  const withUserBlock = new Uint8Array(1024);
  withUserBlock.set(signature, 512);
  assert.equal(kindOf(withUserBlock), 'keras-h5');
});

test('a Keras .keras archive is told from another zip by its first entry, or else by its name', () => {
  assert.equal(kindOf(zipStartingWith('metadata.json')), 'keras-zip');
  assert.equal(kindOf(zipStartingWith('model.weights.h5')), 'keras-zip');
  assert.equal(kindOf(zipStartingWith('assets/'), 'model.KERAS'), 'keras-zip');
  assert.equal(kindOf(zipStartingWith('family-a/sample.exe'), 'samples.zip'), 'zip');
});

test('IDX files are recognised, plain and gzipped', () => {
  const images = { type: 'uint8' as const, shape: [2, 3, 3], data: new Uint8Array(18) };
  assert.equal(kindOf(encodeIdx(images)), 'idx');
  assert.equal(kindOf(encodeIdx(images, { gzip: true })), 'gzip');
});

test('files of no known kind, and files too short to tell, are left to the loader', () => {
  for (const bytes of [Buffer.from('hello world'), new Uint8Array(0), Uint8Array.from([0x89, 0x50]), Uint8Array.from([0, 0, 0x08]), Uint8Array.from([0x08, 0x00, 0x12])]) {
    assert.equal(kindOf(bytes), undefined, `${[...bytes.subarray(0, 8)]}`);
  }
});

test('the message names the file, what it is, what was expected and what reads it', () => {
  const found = sniffFileKind(Buffer.from('{"modelTopology": {}}'))!;
  assert.equal(
    wrongKindMessage('m/model.json', found, 'a convkit model file (.safetensors)'),
    'm/model.json is a TF.js layers model (model.json), not a convkit model file (.safetensors): read it with loadTfjsModel(), or pass it (or its folder) as --model to predict, evaluate, export, inspect or summary.',
  );
  for (const name of ['onnx', 'keras-h5', 'keras-zip'] as const) {
    const bytes = name === 'onnx' ? encodeOnnx(tinyModel()) : name === 'keras-zip' ? zipStartingWith('config.json') : Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.match(sniffFileKind(bytes)!.readBy, /does not read/);
  }
});
