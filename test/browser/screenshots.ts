/** Where the browser tests save what the pages look like (ignored by git: screenshots/ in the repo root). */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function screenshotPath(name: string): string {
  const dir = fileURLToPath(new URL('../../../screenshots/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return `${dir}${name}.png`;
}
