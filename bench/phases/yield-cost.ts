/**
 * What giving the event loop a turn costs (src/model/event-loop-turns.ts):
 * lab CNN epochs with the default (a turn every 50 ms of work) and with
 * yieldEveryMs: false, alternated on one model, so that both see the same
 * machine load; the medians and their ratio are reported (issue target: at
 * most 2% slower). Epochs on a loaded machine vary by more than 2%, so the
 * phase also times one turn alone (10,000 of them, nothing else queued): a
 * turn's cost over 50 ms is the slowdown the turns themselves can cause. Args: --batch N (default 32, the most steps per epoch)
 * --limit N (training images; default all) --pairs N (default 3).
 */
import { loadMnist } from '../../src/data/mnist.js';
import { createLabCnn } from '../../src/apps/lab/lab-models.js';
import { Tensor } from '../../src/core/tensor.js';
import { EventLoopTurns } from '../../src/model/event-loop-turns.js';
import { argument, median, report } from './phase-output.js';

const batchSize = Number(argument('batch', '32'));
const limit = Number(argument('limit', '60000'));
const pairs = Number(argument('pairs', '3'));
if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`--pairs: expected a whole number, at least 1; received ${argument('pairs', '3')}`);

const data = await loadMnist({ trainLimit: limit, testLimit: 1 });
const model = createLabCnn({ seed: 1, backend: 'native' });
const x = new Tensor(data.train.images, [data.train.count, 28, 28, 1]);
const yielding: number[] = [];
const blocking: number[] = [];
async function epoch(yieldEveryMs: 50 | false): Promise<number> {
  const started = performance.now();
  await model.fit(x, data.train.labels, { epochs: 1, batchSize, verbose: 0, yieldEveryMs });
  return (performance.now() - started) / 1000;
}
await epoch(false); // warm-up: first-touch of buffers and the plan
for (let pair = 0; pair < pairs; pair++) {
  // Alternating which goes first, so a trend in the machine's load favours neither.
  if (pair % 2 === 0) {
    yielding.push(await epoch(50));
    blocking.push(await epoch(false));
  } else {
    blocking.push(await epoch(false));
    yielding.push(await epoch(50));
  }
}
const turns = new EventLoopTurns(1e-9);
const turnCount = 10_000;
const turnsStarted = performance.now();
for (let i = 0; i < turnCount; i++) await turns.turn();
const turnMicroseconds = ((performance.now() - turnsStarted) * 1000) / turnCount;
const withTurns = median(yielding);
const without = median(blocking);
report({ images: data.train.count, batchSize, yieldingSeconds: yielding, blockingSeconds: blocking, medianYielding: withTurns, medianBlocking: without, slowdownPercent: (100 * (withTurns - without)) / without, turnMicroseconds, turnSharePercent: (100 * turnMicroseconds) / (50 * 1000) });
