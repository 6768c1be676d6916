/**
 * Temporary files that a killed writer left behind. convkit writes a file
 * under a temporary name and renames it into place (./atomic-write.ts, the
 * binimg PNG writer); a kill -9 midway leaves the temporary file. Such a file
 * is removed the next time convkit writes to that folder, if and only if:
 * - its name is one of convkit's own temporary names (a pattern the caller
 *   gives, which captures the writer's process id): nobody else's file is
 *   ever touched;
 * - that process is gone (signal 0 says ESRCH). A live writer's file, in this
 *   process or another, is left alone. A process id reused since by another
 *   program only delays the clean-up.
 * Best effort: a folder that cannot be listed, or a file already gone, is not
 * an error for the write that triggered the clean-up.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';

/** True when no process of this id exists (EPERM means it exists under another user). */
function processIsGone(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes the files of `folder` whose name matches `pattern` (its first group is the writer's process id)
 * and whose writer is gone. Returns the names removed.
 */
export async function removeStaleTemporaries(folder: string, pattern: RegExp): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (pid === process.pid || !processIsGone(pid)) continue;
    try {
      // lstat: only a regular file of that name is ours to remove, never a folder or what a link points to.
      if (!(await fsp.lstat(join(folder, name))).isFile()) continue;
      await fsp.unlink(join(folder, name));
      removed.push(name);
    } catch {
      // Gone already (another writer cleaned it), or not ours to remove: either way, nothing to do.
    }
  }
  return removed;
}
