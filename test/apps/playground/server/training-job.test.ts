/**
 * The training job over real HTTP: a tiny job in the worker thread runs to
 * its end (progress several times an epoch, epoch-end validation metrics, the
 * comparison, the CNN's weights in /api/predict, its confusion matrix and
 * examples); a second job is refused while one runs (409); a page connecting
 * later sees the running job in its `state` event and can stop it; a job that
 * fails reports why, and the next one can start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, postJson, withPlayground } from './http-client.js';
import { EventReader } from './sse-client.js';

test('a tiny job of both models runs to its end: curves, comparison, trained CNN, confusion matrix and examples', async () => {
  await withPlayground({ progressPerEpoch: 4 }, async (server) => {
    const events = new EventReader(server);
    const idle = await events.next((e) => e.event === 'state');
    assert.equal(idle.data.status, 'idle');
    const untrained = (await postJson(server, '/api/predict', { pixels: new Array(784).fill(0.5) })).json.probabilities;
    const started = await postJson(server, '/api/train', { models: ['dense', 'cnn'], epochs: 2, batchSize: 32, trainLimit: 400, testLimit: 120 });
    assert.equal(started.status, 202);
    assert.equal(started.json.job.id, 1);
    const done = await events.next((e) => e.event === 'done' || e.event === 'error');
    events.close();
    assert.equal(done.event, 'done', JSON.stringify(done.data));
    const rows = done.data.comparison.models;
    assert.deepEqual(rows.map((r: { model: string; params: number }) => [r.model, r.params]), [['dense', 101_770], ['cnn', 225_034]]);
    for (const row of rows) {
      assert.ok(row.testAccuracy > 0 && row.testAccuracy <= 1);
      assert.equal(row.errors, Math.round((1 - row.testAccuracy) * 10_000));
      assert.ok(row.trainSeconds > 0);
    }
    // 360 training images (10% held out) at batch 32: 12 steps, a report every 3 steps.
    const progress = events.events.filter((e) => e.event === 'progress' && e.data.model === 'cnn').map((e) => e.data.epoch);
    assert.deepEqual(progress, [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
    const epochs = events.events.filter((e) => e.event === 'epoch');
    assert.deepEqual(epochs.map((e) => [e.data.model, e.data.epoch]), [['dense', 1], ['dense', 2], ['cnn', 1], ['cnn', 2]]);
    for (const e of epochs) assert.ok(e.data.valLoss > 0 && e.data.valAccuracy >= 0, JSON.stringify(e.data));
    const last = events.events.filter((e) => e.event === 'progress').at(-1)!.data;
    assert.ok(last.imagesPerSecond > 0 && last.etaSeconds === 0 && last.loss > 0);

    const history = (await call(server, { path: '/api/history' })).json;
    assert.equal(history.length, 2 * 8 + 4);
    assert.deepEqual(history[0], { model: 'dense', epoch: 0.25, loss: history[0].loss, accuracy: history[0].accuracy });
    const state = (await call(server, { path: '/api/model' })).json;
    assert.equal(state.trained, true);
    assert.match(state.title, /trained here/);
    const trained = (await postJson(server, '/api/predict', { pixels: new Array(784).fill(0.5) })).json.probabilities;
    assert.notDeepEqual(trained, untrained, 'the CNN\'s weights came from the worker');

    const confusion = (await call(server, { path: '/api/confusion' })).json;
    assert.deepEqual(confusion.labels, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(confusion.matrix.flat().reduce((a: number, b: number) => a + b, 0), 120);
    const cnnErrors = 120 - confusion.matrix.reduce((sum: number, row: number[], i: number) => sum + row[i], 0);
    assert.equal(Math.round((cnnErrors / 120) * 10_000), rows[1].errors);
    const [actual, predicted] = [1, confusion.matrix[1].indexOf(Math.max(...confusion.matrix[1]))];
    const examples = (await call(server, { path: `/api/confusion/examples?actual=${actual}&predicted=${predicted}` })).json;
    assert.equal(examples.length, Math.min(40, confusion.matrix[actual][predicted]));
    assert.equal(Buffer.from(examples[0].pixels, 'base64').length, 784);
    assert.equal(examples[0].probabilities.length, 10);
    assert.equal((await call(server, { path: '/api/confusion/examples?actual=10&predicted=0' })).status, 400);
  });
});

test('a second job is refused while one runs (409); a page that connects later sees the running job and stops it', async () => {
  await withPlayground({}, async (server) => {
    const first = new EventReader(server);
    assert.equal((await postJson(server, '/api/train', { models: ['cnn'], epochs: 20, batchSize: 16, trainLimit: 20_000, testLimit: 100 })).status, 202);
    await first.next((e) => e.event === 'progress');
    const second = await postJson(server, '/api/train', { models: ['dense'], trainLimit: 100 });
    assert.equal(second.status, 409);
    assert.match(second.json.error, /already running/);
    first.close(); // the page is closed; the job keeps running

    const later = new EventReader(server);
    const state = await later.next((e) => e.event === 'state');
    assert.equal(state.data.status, 'running');
    assert.equal(state.data.job.id, 1);
    assert.ok(state.data.history.length > 0, 'the curves so far come with the state');
    const stop = await call(server, { method: 'POST', path: '/api/stop' });
    assert.deepEqual(stop.json, { stopped: true });
    const end = await later.next((e) => ['stopped', 'done', 'error'].includes(e.event));
    later.close();
    assert.equal(end.event, 'stopped');
    assert.equal(server.job.snapshot().status, 'stopped');
    assert.ok(server.job.historyPoints().at(-1)!.epoch < 20, 'it stopped long before its 20 epochs');
    // The stopped CNN's confusion matrix over the 100 test images, and no comparison row for it.
    const confusion = (await call(server, { path: '/api/confusion' })).json;
    assert.equal(confusion.matrix.flat().reduce((a: number, b: number) => a + b, 0), 100);
    assert.deepEqual(end.data.comparison.models, []);
    assert.equal((await postJson(server, '/api/train', { models: ['dense'], epochs: 1, trainLimit: 100, testLimit: 50 })).status, 202);
  });
});

test('a job that fails reports why in an error event and the state; the next job can start', async () => {
  await withPlayground({ dataDir: '/nonexistent/mnist' }, async (server) => {
    const events = new EventReader(server);
    assert.equal((await postJson(server, '/api/train', { models: ['cnn'], trainLimit: 100 })).status, 202);
    const error = await events.next((e) => e.event === 'error');
    events.close();
    assert.match(error.data.message, /nonexistent/);
    assert.equal(server.job.snapshot().status, 'error');
    assert.equal((await postJson(server, '/api/train', { models: ['cnn'], trainLimit: 100 })).status, 202);
  });
});
