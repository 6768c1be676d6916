/**
 * Temporary files that a killed writer leaves (kill -9 cannot be caught) are
 * removed when convkit next writes to that folder: only files of convkit's
 * own temporary names, and only when their writer is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ATOMIC_TEMPORARY_NAME, writeFileAtomic } from '../../src/io/atomic-write.js';
import { removeStaleTemporaries } from '../../src/io/stale-temporaries.js';
import { DIST_SRC } from '../bounded-child.js';

/** The id of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

test('a save killed with kill -9 leaves its temporary file; the next save to that folder removes it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-stale-'));
  try {
    // A writer that has written its first chunk and waits forever for the next: killed mid-save.
    const code = `import { writeFileAtomic } from '${DIST_SRC}io/atomic-write.js';\n` +
      `async function* slow() { yield 'first chunk'; await new Promise(() => setInterval(() => {}, 1000)); }\n` +
      `await writeFileAtomic(${JSON.stringify(join(dir, 'ckpt-01.safetensors'))}, slow());`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' });
    let left: string[] = [];
    for (let i = 0; i < 200 && left.length === 0; i++) {
      await sleep(50);
      left = (await readdir(dir)).filter((name) => ATOMIC_TEMPORARY_NAME.test(name));
    }
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    assert.equal(left.length, 1, 'the killed writer left its temporary file');
    assert.match(left[0]!, new RegExp(`^\\.ckpt-01\\.safetensors\\.${child.pid}\\.[0-9a-f]{12}\\.tmp$`));

    await writeFileAtomic(join(dir, 'ckpt-02.safetensors'), 'next epoch');
    assert.deepEqual(await readdir(dir), ['ckpt-02.safetensors']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('only our names whose writer is gone are removed: a live writer, this process and other files are left alone', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-stale-'));
  const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  try {
    const dead = deadPid();
    const names = {
      dead: `.m.safetensors.${dead}.0123456789ab.tmp`,
      live: `.m.safetensors.${live.pid}.0123456789ab.tmp`,
      own: `.m.safetensors.${process.pid}.0123456789ab.tmp`,
      notOurs: `.m.safetensors.${dead}.notours.tmp`,
      plain: 'notes.tmp',
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'x');
    assert.deepEqual(await removeStaleTemporaries(dir, ATOMIC_TEMPORARY_NAME), [names.dead]);
    assert.deepEqual((await readdir(dir)).sort(), [names.live, names.own, names.notOurs, names.plain].sort());
    assert.deepEqual(await removeStaleTemporaries(join(dir, 'missing'), ATOMIC_TEMPORARY_NAME), [], 'a folder that cannot be listed is not an error');
  } finally {
    live.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});
