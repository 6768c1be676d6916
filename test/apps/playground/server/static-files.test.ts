/**
 * Static files come from a fixed list (issue 15, section 5): the listed files
 * are served from the web folder, and no path, however spelled, reaches
 * anything else: 404 with a JSON error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATIC_FILES } from '../../../../src/apps/playground/server/static-files.js';
import { call, withPlayground } from './http-client.js';

test('the listed files are served with their types; traversal attempts and unlisted paths get 404', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-web-'));
  try {
    await writeFile(join(dir, 'playground.js'), 'console.log("page");');
    await writeFile(join(dir, 'page.css'), 'body{}');
    await writeFile(join(dir, 'secret.txt'), 'not listed');
    await withPlayground({ webDir: `${dir}/` }, async (server) => {
      const js = await call(server, { path: '/playground.js' });
      assert.equal(js.status, 200);
      assert.equal(js.text, 'console.log("page");');
      assert.match(String(js.headers['content-type']), /^text\/javascript/);
      assert.match(String((await call(server, { path: '/page.css' })).headers['content-type']), /^text\/css/);
      const missing = await call(server, { path: '/uplot.css' });
      assert.equal(missing.status, 404);
      assert.match(missing.json.error, /uplot\.css is not built/);
      for (const path of ['/../package.json', '/%2e%2e/', '/%2e%2e/package.json', '/dist/web/../../x', '/secret.txt', '/playground.js/../secret.txt',
        '/./playground.js', '//playground.js', '/PLAYGROUND.JS', '/playground.js%00', '/%2fplayground.js', '/..%2fpackage.json', 'http://evil/playground.js']) {
        const answer = await call(server, { path });
        assert.equal(answer.status, 404, path);
        assert.match(answer.json.error, /No such page or API/, path);
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the fixed list holds only the page\'s three files', () => {
  assert.deepEqual([...STATIC_FILES.keys()].sort(), ['/page.css', '/playground.js', '/uplot.css']);
});
