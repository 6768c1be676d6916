/**
 * The page's files, served from a fixed list: the request path is looked up,
 * never joined to a folder, so no path (`/../package.json`, `/%2e%2e/`) can
 * reach a file outside the list. The files are what scripts/build-web.mjs
 * writes to dist/web/.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HttpError } from './http-error.js';

/** dist/web/, from this module's place in dist/src/apps/playground/server/. */
export const WEB_DIR = fileURLToPath(new URL('../../../../web/', import.meta.url));

export const STATIC_FILES: ReadonlyMap<string, { file: string; type: string }> = new Map([
  ['/playground.js', { file: 'playground.js', type: 'text/javascript; charset=utf-8' }],
  ['/page.css', { file: 'page.css', type: 'text/css; charset=utf-8' }],
  ['/uplot.css', { file: 'uplot.css', type: 'text/css; charset=utf-8' }],
]);

export async function readStaticFile(path: string, webDir = WEB_DIR): Promise<{ body: Buffer; type: string } | null> {
  const entry = STATIC_FILES.get(path);
  if (!entry) return null;
  try {
    return { body: await readFile(webDir + entry.file), type: entry.type };
  } catch {
    throw new HttpError(404, `${entry.file} is not built: run npm run build (it writes the page to dist/web/).`);
  }
}
