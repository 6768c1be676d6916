/**
 * The playground's answer to a drawing while a training job runs (issue 15:
 * under 50 ms): the server started in-process on 127.0.0.1:0, a job training
 * the lab CNN on MNIST in its worker thread, then N drawings (MNIST test
 * digits) posted to /api/predict over real HTTP, one after another. Reports
 * the round trip as the page sees it and the server's own compute time
 * (elapsedMs), median and p95, and how many progress reports arrived meanwhile
 * (proof that the job was training, not waiting).
 * The drawing is answered on the native backend, like the training: its kernels
 * interleave with the worker's under the addon's call lock. The reference
 * backend, free of that lock, answered many times slower in this phase (run
 * back to back with the native one), so the playground does not use it.
 */
import { request } from 'node:http';
import { loadMnist } from '../../src/data/mnist.js';
import { startPlayground, type PlaygroundServer } from '../../src/apps/playground/server/playground-server.js';
import { argument, median, report } from './phase-output.js';

function post(server: PlaygroundServer, path: string, body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: `${path}?token=${server.token}`, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const drawings = Number(argument('drawings', '200'));
const test = (await loadMnist({ trainLimit: 1, testLimit: drawings })).test;
const server = await startPlayground({ port: 0 });
try {
  const started = await post(server, '/api/train', JSON.stringify({ models: ['cnn'], epochs: 3 }));
  if (started.status !== 202) throw new Error(`POST /api/train answered ${started.status}: ${JSON.stringify(started.json)}`);
  // Wait for the first progress report: the worker has loaded MNIST and is training.
  while (server.job.historyPoints().length === 0) {
    if (server.job.snapshot().status !== 'running') throw new Error(`the job ended before training: ${JSON.stringify(server.job.snapshot())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const reportsBefore = server.job.historyPoints().length;
  const roundTrip: number[] = [];
  const compute: number[] = [];
  const size = test.height * test.width;
  for (let i = 0; i < test.count; i++) {
    const body = JSON.stringify({ pixels: Array.from(test.images.subarray(i * size, (i + 1) * size)) });
    const t0 = performance.now();
    const answer = await post(server, '/api/predict', body);
    roundTrip.push(performance.now() - t0);
    if (answer.status !== 200) throw new Error(`POST /api/predict answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    compute.push(answer.json.elapsedMs);
  }
  const stillRunning = server.job.snapshot().status === 'running';
  report({
    phase: 'playground-predict',
    drawings: test.count,
    roundTripMedianMs: median(roundTrip),
    roundTripP95Ms: percentile(roundTrip, 95),
    roundTripMaxMs: Math.max(...roundTrip),
    computeMedianMs: median(compute),
    computeP95Ms: percentile(compute, 95),
    progressReportsMeanwhile: server.job.historyPoints().length - reportsBefore,
    trainingThroughout: stillRunning,
  });
} finally {
  await server.close();
}
