/**
 * Issue 15, section 5, over real HTTP on 127.0.0.1:0: no token or a wrong one
 * gets 403; a Host header that does not name the server (DNS rebinding) gets
 * 403; an Origin header from another site gets 403; the page's own requests
 * pass. And the Host names each kind of bind allows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { allowedHosts, isLoopback, newToken } from '../../../../src/apps/playground/server/request-guard.js';
import { call, withPlayground } from './http-client.js';

test('a request without the token, or with a wrong one, gets 403 with a JSON error; with the token it passes', async () => {
  await withPlayground({}, async (server) => {
    for (const path of ['/', '/api/model', '/api/events', '/playground.js']) {
      const none = await call(server, { path, token: false });
      assert.equal(none.status, 403, path);
      assert.match(none.json.error, /token/);
    }
    const wrong = await call(server, { path: `/api/model?token=${'0'.repeat(server.token.length)}`, token: false });
    assert.equal(wrong.status, 403);
    assert.match(wrong.json.error, /does not match/);
    const short = await call(server, { path: '/api/model?token=abc', token: false });
    assert.equal(short.status, 403);
    const ok = await call(server, { path: '/api/model' });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.inputShape, [28, 28, 1]);
  });
});

test('a Host header that does not name the server gets 403 (DNS rebinding); the loopback names pass', async () => {
  await withPlayground({}, async (server) => {
    for (const host of [`evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, 'evil.example', `localhost.evil.example:${server.port}`]) {
      const answer = await call(server, { path: '/api/model', headers: { host } });
      assert.equal(answer.status, 403, host);
      assert.match(answer.json.error, /Host header must name this server/);
    }
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
      assert.equal((await call(server, { path: '/api/model', headers: { host } })).status, 200, host);
    }
  });
});

test('an Origin header from another site gets 403; the same origin passes', async () => {
  await withPlayground({}, async (server) => {
    for (const origin of ['http://evil.example', `http://evil.example:${server.port}`, 'null', `https://127.0.0.1:${server.port}`, 'not a url']) {
      const answer = await call(server, { method: 'POST', path: '/api/stop', headers: { origin } });
      assert.equal(answer.status, 403, origin);
      assert.match(answer.json.error, /own page/);
    }
    const same = await call(server, { method: 'POST', path: '/api/stop', headers: { origin: `http://127.0.0.1:${server.port}` } });
    assert.equal(same.status, 200);
    assert.deepEqual(same.json, { stopped: false });
  });
});

test('the playground binds 127.0.0.1 by default, and its URL carries a fresh random token', async () => {
  await withPlayground({}, async (server) => {
    assert.equal(server.host, '127.0.0.1');
    assert.match(server.url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{48}$`));
  });
  assert.notEqual(newToken(), newToken());
});

test('allowedHosts: host:port; every loopback name when bound to loopback; the machine\'s own names when bound to all interfaces', () => {
  assert.deepEqual([...allowedHosts('127.0.0.1', 8888)].sort(), ['127.0.0.1:8888', '[::1]:8888', 'localhost:8888']);
  assert.deepEqual([...allowedHosts('192.168.1.5', 8888)], ['192.168.1.5:8888']);
  assert.deepEqual([...allowedHosts('::1', 8888)].sort(), ['127.0.0.1:8888', '[::1]:8888', 'localhost:8888']);
  assert.ok(allowedHosts('127.0.0.1', 80).has('localhost'), 'browsers leave port 80 out of Host');
  const all = allowedHosts('0.0.0.0', 8888);
  assert.ok(all.has(`${os.hostname().toLowerCase()}:8888`) && all.has('localhost:8888'));
  assert.ok(!all.has('evil.example:8888'));
  assert.ok(isLoopback('127.0.0.1') && isLoopback('localhost') && isLoopback('::1'));
  assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.5'));
});
