/** The SSE hub: the event format, the initial events a new page gets, and pages that went away are dropped without an error. */
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
