/** The SSE hub: the event format, the initial events a new page gets, pages that went away are dropped without an error, and open streams are capped. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatEvent, SseHub } from '../../../../src/apps/playground/server/sse-hub.js';

test('formatEvent writes one event block with JSON data', () => {
  assert.equal(formatEvent({ event: 'state', data: { status: 'idle', history: [] } }), 'event: state\ndata: {"status":"idle","history":[]}\n\n');
});

test('a page gets its initial events, then broadcasts; a page that disconnected is dropped and broadcasting goes on', async () => {
  const hub = new SseHub(10);
  const server = createServer((req, res) => hub.add(req, res, [{ event: 'state', data: { n: 0 } }]));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const received: string[] = [];
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => res.on('data', (d: Buffer) => received.push(d.toString())));
    req.end();
    while (hub.size === 0 || received.join('').length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    hub.broadcast('progress', { n: 1 });
    while (!received.join('').includes('progress')) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.match(received.join(''), /^event: state\ndata: \{"n":0\}\n\n(: keep-alive\n\n)*event: progress\ndata: \{"n":1\}\n\n/);
    req.destroy();
    hub.broadcast('progress', { n: 2 }); // may race the socket's close: must not throw
    while (hub.size > 0) {
      hub.broadcast('progress', { n: 3 });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(hub.size, 0);
  } finally {
    hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('open streams are capped: one past the cap gets a 503 JSON error, and a closed page frees its place', async () => {
  const hub = new SseHub(1000, 2);
  const server = createServer((req, res) => {
    try {
      hub.add(req, res, []);
    } catch (error) {
      res.writeHead((error as { status: number }).status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const open = () => new Promise<{ status: number; body: Promise<string>; destroy: () => void }>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      const chunks: Buffer[] = [];
      const body = new Promise<string>((done) => {
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => done(Buffer.concat(chunks).toString()));
      });
      resolve({ status: res.statusCode!, body, destroy: () => req.destroy() });
    });
    req.end();
  });
  try {
    const first = await open();
    const second = await open();
    assert.deepEqual([first.status, second.status, hub.size], [200, 200, 2]);
    const third = await open();
    assert.equal(third.status, 503);
    assert.match(await third.body, /at most 2 open pages \(event streams\) at once; 2 are open\. Close a tab, then reload this one\./);
    first.destroy();
    while (hub.size > 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const again = await open();
    assert.equal(again.status, 200);
    again.destroy();
    second.destroy();
  } finally {
    hub.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
