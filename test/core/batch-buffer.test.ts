/**
 * Buffers kept across batch-size changes (core/batch-buffer.ts): a smaller batch
 * works in a view of the buffers it has, a larger one in the whole allocation
 * again, and the results are those of a model that never saw another size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchBuffer } from '../../src/core/batch-buffer.js';
import { createLabCnn } from '../../src/apps/lab/lab-models.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import { Random } from '../../src/core/random.js';
import type { BackendName } from '../../src/backend/select-backend.js';

test('batchBuffer: same size is the same array; smaller is a view of it; larger again is the whole allocation', () => {
  const allocated: number[] = [];
  const make = (n: number): Float32Array => {
    allocated.push(n);
    return new Float32Array(n);
  };
  const full = batchBuffer(undefined, 8, Float32Array, make);
  assert.equal(batchBuffer(full, 8, Float32Array, make), full);
  const small = batchBuffer(full, 3, Float32Array, make);
  assert.equal(small.length, 3);
  assert.equal(small.buffer, full.buffer);
  assert.equal(small.byteOffset, full.byteOffset);
  const again = batchBuffer(small, 8, Float32Array, make);
  assert.equal(again.length, 8);
  assert.equal(again.buffer, full.buffer);
  assert.deepEqual(allocated, [8]);
  const larger = batchBuffer(again, 9, Float32Array, make);
  assert.equal(larger.length, 9);
  assert.notEqual(larger.buffer, full.buffer);
  assert.deepEqual(allocated, [8, 9]);
});

test('batchBuffer: an allocation of the wrong element type is not reused', () => {
  const f32 = new Float32Array(8);
  const f64 = batchBuffer(f32, 4, Float64Array, (n) => new Float64Array(n));
  assert.ok(f64 instanceof Float64Array);
  assert.equal(f64.length, 4);
  assert.equal(batchBuffer(f32, 4, Float32Array, (n) => new Float32Array(n)).buffer, f32.buffer);
});

function images(count: number, seed: number): { x: Float32Array; labels: Int32Array } {
  const random = new Random(seed);
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = random.next() < 0.8 ? 0 : random.next();
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = Math.floor(random.next() * 10);
  return { x, labels };
}

function gradients(model: ReturnType<typeof createLabCnn>): Float32Array[] {
  return model.weights().map((w) => Float32Array.from(w.grad));
}

const backends: BackendName[] = ['reference'];
if (!('error' in loadNativeBackend())) backends.push('native');

for (const backend of backends) {
  test(`${backend}: a batch after a larger one gives the outputs and gradients of a fresh model`, () => {
    const { x, labels } = images(12, 7);
    const seen = createLabCnn({ seed: 3, backend });
    const fresh = createLabCnn({ seed: 3, backend });
    // Leave every buffer holding a 12-image batch's values, then run 5 images in views of them.
    seen.computeGradients(x, labels, 12);
    const first = seen.forwardBatch(x, 12, false);
    const small = { x: x.subarray(7 * 784), labels: labels.subarray(7) };
    const lossSeen = seen.computeGradients(small.x, small.labels, 5);
    const lossFresh = fresh.computeGradients(small.x, small.labels, 5);
    assert.equal(lossSeen, lossFresh);
    const [gs, gf] = [gradients(seen), gradients(fresh)];
    gs.forEach((g, i) => assert.deepEqual(g, gf[i], `gradient of ${seen.weights()[i].name}`));
    const out = seen.forwardBatch(small.x, 5, false);
    assert.equal(out.buffer, first.buffer, 'the 5-image output is a view of the 12-image one');
    assert.deepEqual(Array.from(out), Array.from(fresh.forwardBatch(small.x, 5, false)));
  });
}
