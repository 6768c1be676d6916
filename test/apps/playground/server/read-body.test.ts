/**
 * Request bodies are capped (issue 15, section 5): a declared Content-Length
 * over the cap and a chunked body that grows past it both get 413 with a JSON
 * error, and the server answers the next request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, withPlayground } from './http-client.js';

test('a body over the cap gets 413, declared or chunked, and the server keeps answering', async () => {
  await withPlayground({ jsonBodyLimit: 10_000, malwareBodyLimit: 20_000 }, async (server) => {
    const big = JSON.stringify({ pixels: new Array(784).fill(0.1234567891234) });
    assert.ok(big.length > 10_000);
    const declared = await call(server, { method: 'POST', path: '/api/predict', body: big });
    assert.equal(declared.status, 413);
    assert.match(declared.json.error, /at most 10000 bytes; received a Content-Length of \d+/);
    const chunked = await call(server, { method: 'POST', path: '/api/predict', body: big, chunked: true });
    assert.equal(chunked.status, 413);
    assert.match(chunked.json.error, /at most 10000 bytes/);
    const train = await call(server, { method: 'POST', path: '/api/train', body: ' '.repeat(10_001) });
    assert.equal(train.status, 413);
    const ok = await call(server, { method: 'POST', path: '/api/predict', body: JSON.stringify({ pixels: new Array(784).fill(0) }) });
    assert.equal(ok.status, 200);
  });
});
