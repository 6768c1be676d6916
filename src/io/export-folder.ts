/**
 * The output folder of an export. An export never mixes its files with an
 * earlier one by accident: a folder that exists and holds anything is refused
 * unless `force` is given. Each file is written atomically (./atomic-write.ts),
 * so a failed export leaves no half-written file; with `force`, files of the
 * same names are replaced and nothing else in the folder is touched.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, type FileContent } from './atomic-write.js';
import { ConfigError } from '../core/errors.js';

export interface ExportFolderOptions {
  /** Write into a folder that already holds files (same-named files are replaced). */
  force?: boolean;
}

async function prepareFolder(dir: string, force: boolean): Promise<void> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new ConfigError(`Cannot use ${dir} as the export folder: ${error.message}`);
  });
  if (!info) {
    await mkdir(dir, { recursive: true });
    return;
  }
  if (!info.isDirectory()) throw new ConfigError(`${dir} exists and is not a folder; give --out a folder path (it is created when missing).`);
  const entries = await readdir(dir);
  if (entries.length > 0 && !force) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', ...' : '');
    throw new ConfigError(`${dir} is not empty (${shown}); choose an empty or new folder, or pass --force (force: true) to write into it.`);
  }
}

/** Writes `files` ([name, content], in order) into `dir`. */
export async function writeExportFiles(dir: string, files: readonly (readonly [string, FileContent])[], options: ExportFolderOptions = {}): Promise<void> {
  await prepareFolder(dir, options.force ?? false);
  for (const [name, content] of files) await writeFileAtomic(join(dir, name), content);
}
