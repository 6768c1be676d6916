/**
 * Atomic file replacement: write a temporary file in the target's own folder,
 * fsync it, rename it over the target, then fsync the folder. A reader sees
 * the old file or the new one, never half of one; a crash or an error midway
 * leaves the previous file intact and removes the temporary one.
 *
 * The temporary file sits in the same folder because rename() is only atomic
 * within one file system. A process killed midway (kill -9) cannot remove its
 * temporary file; the next write to that folder removes it once its writer is
 * gone (./stale-temporaries.ts; test/io/atomic-write.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeStaleTemporaries } from './stale-temporaries.js';

/** Bytes to write: one buffer, or chunks produced while writing (an error thrown by the producer aborts the save). */
export type FileContent = Uint8Array | string | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

function isChunkSource(content: FileContent): content is Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string> {
  return typeof content !== 'string' && !(content instanceof Uint8Array);
}

/** The temporary name used for `path`: hidden, unique per call, ending in .tmp so a leftover is recognisable. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** temporaryPathFor's names, the writer's process id captured. */
export const ATOMIC_TEMPORARY_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.tmp$/;

export async function writeFileAtomic(path: string, content: FileContent): Promise<void> {
  await removeStaleTemporaries(dirname(path), ATOMIC_TEMPORARY_NAME);
  const temporary = temporaryPathFor(path);
  // 'wx': never follow or reuse an existing file at the temporary name.
  const handle = await open(temporary, 'wx', 0o644);
  let renamed = false;
  try {
    // FileHandle.writeFile, unlike write, loops until every byte is written, from the current position.
    if (isChunkSource(content)) {
      for await (const chunk of content) await handle.writeFile(chunk);
    } else {
      await handle.writeFile(content);
    }
    // The data must be on disk before the rename makes it visible, or a crash could publish an empty file.
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
    renamed = true;
    await syncFolder(dirname(path));
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
    }
  }
}

/** Makes the rename itself durable. Some systems cannot fsync a folder; the rename has happened either way. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Best effort only (e.g. Windows, some network file systems).
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
