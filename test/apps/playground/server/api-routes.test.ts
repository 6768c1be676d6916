/**
 * A malformed request gets a 4xx with a JSON error and never stops the server
 * (issue 15, section 5): bad JSON, wrong types, unknown paths and methods,
 * each followed by a request that still gets its answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, postJson, withPlayground } from './http-client.js';

test('malformed JSON and wrong types get 400 JSON errors that say what was expected; the next request is answered', async () => {
  await withPlayground({}, async (server) => {
    const cases: Array<[string, string, RegExp]> = [
      ['/api/predict', '{"pixels": [1, 2', /must be JSON/],
      ['/api/predict', '[1, 2, 3]', /must be a JSON object; received an array/],
      ['/api/predict', 'null', /must be a JSON object; received null/],
      ['/api/predict', '{"pixels": "abc"}', /"pixels" must be a list of 784 numbers .*received string/],
      ['/api/predict', '{"pixels": [1, 2, 3]}', /"pixels" must hold 784 numbers .*received 3/],
      ['/api/predict', JSON.stringify({ pixels: [...new Array(783).fill(0), 'x'] }), /item 783 is "x"/],
      ['/api/predict', `{"pixels": ${'['.repeat(100)}${']'.repeat(100)}}`, /nest JSON at most 8 levels/],
      ['/api/train', '{}', /"models" must be a non-empty list/],
      ['/api/train', '{"models": ["cnn", "cnn"]}', /distinct/],
      ['/api/train', '{"models": ["resnet"]}', /"cnn", "dense"; received a list/],
      ['/api/train', '{"models": ["cnn"], "epochs": -1}', /"epochs" must be an integer from 1 to 100; received number -1/],
      ['/api/train', '{"models": ["cnn"], "batchSize": "64"}', /"batchSize" must be an integer .*received "64"/],
      ['/api/train', '{"models": ["cnn"], "learningRate": 0}', /"learningRate" must be a number in \(0, 1\]/],
      ['/api/train', '{"models": ["cnn"], "trainLimt": 10}', /Unknown field "trainLimt"/],
    ];
    for (const [path, body, message] of cases) {
      const answer = await call(server, { method: 'POST', path, body });
      assert.equal(answer.status, 400, body.slice(0, 60));
      assert.match(String(answer.headers['content-type']), /^application\/json/);
      assert.match(answer.json.error, message, body.slice(0, 60));
      assert.equal((await call(server, { path: '/api/model' })).status, 200);
    }
    assert.equal(server.job.snapshot().status, 'idle', 'no refused request started a job');
  });
});

test('unknown paths get 404, wrong methods 405, bad query parameters 400, each as JSON; the server answers afterwards', async () => {
  await withPlayground({}, async (server) => {
    const unknown = await call(server, { path: '/api/nothing' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.error, /No such page or API: "\/api\/nothing"/);
    const method = await call(server, { method: 'DELETE', path: '/api/model' });
    assert.equal(method.status, 405);
    assert.equal(method.headers.allow, 'GET');
    assert.match(method.json.error, /answers GET; received DELETE/);
    assert.equal((await call(server, { path: '/api/predict' })).status, 405);
    const noExamples = await call(server, { path: '/api/confusion/examples?actual=1&predicted=2' });
    assert.equal(noExamples.status, 404);
    assert.match(noExamples.json.error, /No confusion matrix yet/);
    assert.deepEqual((await call(server, { path: '/api/confusion' })).json, null);
    assert.deepEqual((await call(server, { path: '/api/history' })).json, []);
    const malware = await call(server, { method: 'POST', path: '/api/malware', body: 'MZ' });
    assert.equal(malware.status, 404);
    assert.match(malware.json.error, /--malware-model/);
    assert.equal((await postJson(server, '/api/predict', { pixels: new Array(784).fill(0) })).status, 200);
  });
});
