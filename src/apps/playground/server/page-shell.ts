/**
 * GET /: the page's HTML with the token put in. PAGE's template
 * (dist/web/playground.html) is used when it is built, with every
 * __CONVKIT_TOKEN__ replaced; otherwise a minimal shell that loads the same
 * files. The token is hex (request-guard.ts newToken), so it needs no escaping;
 * it is checked to be so anyway before it goes into HTML.
 */
import { readFile } from 'node:fs/promises';
import { WEB_DIR } from './static-files.js';
import { ConfigError } from '../../../core/errors.js';

export const TOKEN_PLACEHOLDER = '__CONVKIT_TOKEN__';

export function shellHtml(token: string): string {
  const q = `?token=${token}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<title>convkit playground</title>',
    `<link rel="stylesheet" href="/uplot.css${q}">`,
    `<link rel="stylesheet" href="/page.css${q}">`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script src="/playground.js${q}" defer></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export async function pageHtml(token: string, webDir = WEB_DIR): Promise<string> {
  if (!/^[0-9a-f]+$/.test(token)) throw new ConfigError(`The playground token must be hex digits; received ${JSON.stringify(token)}.`);
  let template: string;
  try {
    template = await readFile(`${webDir}playground.html`, 'utf8');
  } catch {
    return shellHtml(token);
  }
  return template.split(TOKEN_PLACEHOLDER).join(token);
}
