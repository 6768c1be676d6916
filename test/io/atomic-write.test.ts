/** Atomic replacement: a write that fails midway leaves the previous file as it was and no temporary file behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { safetensorsChunks } from '../../src/io/safetensors.js';

test('a save that fails after some bytes are written leaves the old file intact and removes the temporary file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-atomic-'));
  try {
    const path = join(dir, 'model.safetensors');
    await writeFile(path, 'previous contents');
    // The header and the first tensor reach the temporary file; the second tensor's serialisation throws.
    const chunks = safetensorsChunks([
      { name: 'a', shape: [2], data: new Float32Array([1, 2]) },
      { name: 'b', shape: [2], data: new Float32Array([3, 4]) },
    ]);
    let written = 0;
    async function* failing() {
      for (const chunk of chunks) {
        if (written === 2) throw new Error('disk full (simulated)');
        written++;
        yield chunk;
      }
    }
    await assert.rejects(writeFileAtomic(path, failing()), /disk full \(simulated\)/);
    assert.equal(written, 2);
    assert.equal(await readFile(path, 'utf8'), 'previous contents');
    assert.deepEqual(await readdir(dir), ['model.safetensors']);

    await writeFileAtomic(path, ['new ', Buffer.from('contents')]);
    assert.equal(await readFile(path, 'utf8'), 'new contents');
    assert.deepEqual(await readdir(dir), ['model.safetensors']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
