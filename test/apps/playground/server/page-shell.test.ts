/** GET /: the page's HTML with the token in every link; PAGE's template when it is built, with its placeholder replaced. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pageHtml, shellHtml, TOKEN_PLACEHOLDER } from '../../../../src/apps/playground/server/page-shell.js';
import { call, withPlayground } from './http-client.js';

test('the built-in shell loads the page\'s three files with the token', () => {
  const html = shellHtml('abc123');
  for (const file of ['/playground.js?token=abc123', '/page.css?token=abc123', '/uplot.css?token=abc123']) assert.ok(html.includes(file), file);
  assert.match(html, /<meta name="referrer" content="no-referrer">/);
});

test('GET / serves PAGE\'s template with every placeholder replaced by the token, else the shell; a non-hex token is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-web-'));
  try {
    await withPlayground({ webDir: `${dir}/` }, async (server) => {
      const shell = await call(server, { path: '/' });
      assert.equal(shell.status, 200);
      assert.match(String(shell.headers['content-type']), /^text\/html/);
      assert.equal(shell.headers['x-frame-options'], 'DENY');
      assert.ok(shell.text.includes(`/playground.js?token=${server.token}`));
      await writeFile(join(dir, 'playground.html'), `<script src="/playground.js?token=${TOKEN_PLACEHOLDER}"></script><a href="?token=${TOKEN_PLACEHOLDER}">`);
      const page = await call(server, { path: '/' });
      assert.equal(page.text, `<script src="/playground.js?token=${server.token}"></script><a href="?token=${server.token}">`);
    });
    await assert.rejects(pageHtml('"><script>', `${dir}/`), /must be hex digits/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
