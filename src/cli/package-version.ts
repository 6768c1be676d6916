/** convkit's version, from the package.json installed beside dist/ (the one npm publishes), for --version. */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  // dist/src/cli/package-version.js -> the package root, where package.json sits in a checkout and in an install.
  const json = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof json.version === 'string' ? json.version : 'unknown';
}
