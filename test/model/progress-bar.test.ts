import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  epochHeader,
  formatDuration,
  formatTimePerUnit,
  formatValue,
  orderMetricNames,
  ProgressBar,
  type ProgressStream,
} from '../../src/model/progress-bar.js';

/** A stream that records every write, and a clock the test moves by hand. */
function fakeStream(isTTY: boolean, columns?: number): ProgressStream & { chunks: string[]; text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns,
    chunks,
    write(chunk: string): boolean {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
  };
}

function fakeClock(): { now: () => number; advance(ms: number): void } {
  let t = 1000; // not zero, so an accidental "ms since 0" would show
  return { now: () => t, advance: (ms) => (t += ms) };
}

const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

/**
 * Simulates an epoch: step 1 takes `firstStepMs`, every later step `stepMs`,
 * then validation takes `validationMs` before finish().
 */
function runEpoch(
  bar: ProgressBar,
  clock: ReturnType<typeof fakeClock>,
  total: number,
  opts: { firstStepMs: number; stepMs: number; validationMs?: number; final: Record<string, number> },
): void {
  for (let step = 1; step <= total; step++) {
    clock.advance(step === 1 ? opts.firstStepMs : opts.stepMs);
    bar.update(step, { loss: 1 / step, accuracy: 1 - 1 / step });
  }
  clock.advance(opts.validationMs ?? 0);
  bar.finish(opts.final);
}

const FINAL = { loss: 0.0598, accuracy: 0.98154, val_loss: 0.0431, val_accuracy: 0.987 };

test('non-TTY, verbose 1: exactly one line per epoch, written at the end, no carriage returns', () => {
  const stream = fakeStream(false);
  const clock = fakeClock();
  const bar = new ProgressBar({ total: 1875, verbose: 1, stream, now: clock.now });
  // First step 100 ms (excluded from the per-step estimate), then 3 ms a step,
  // validation 502 ms: 100 + 1874*3 + 502 = 6224 ms elapsed -> '6s'.
  for (let step = 1; step <= 1875; step++) {
    clock.advance(step === 1 ? 100 : 3);
    bar.update(step, { loss: 0.06, accuracy: 0.98 });
    if (step < 1875) assert.equal(stream.chunks.length, 0, `nothing may be written mid-epoch (step ${step})`);
  }
  clock.advance(502);
  bar.finish(FINAL);
  assert.equal(stream.chunks.length, 1);
  // (now - afterFirstStep)/(1874) = (1874*3 + 502)/1874 = 3.27 ms -> '3ms/step'
  assert.equal(
    stream.chunks[0],
    '1875/1875 ━━━━━━━━━━━━━━━━━━━━ 6s 3ms/step - accuracy: 0.9815 - loss: 0.0598 - val_accuracy: 0.9870 - val_loss: 0.0431\n',
  );
  assert.ok(!stream.text().includes('\r'));
  assert.ok(!stream.text().includes('\x1b'), 'no ANSI escapes in logs');
});

test('non-TTY over several epochs: one line per epoch, each with its own clock', () => {
  const stream = fakeStream(false);
  const clock = fakeClock();
  for (let epoch = 0; epoch < 3; epoch++) {
    const bar = new ProgressBar({ total: 10, verbose: 1, stream, now: clock.now });
    runEpoch(bar, clock, 10, { firstStepMs: 1000, stepMs: 1000, final: { loss: 0.5 } });
  }
  const lines = stream.text().split('\n');
  assert.deepEqual(lines, [
    '10/10 ━━━━━━━━━━━━━━━━━━━━ 10s 1s/step - loss: 0.5000',
    '10/10 ━━━━━━━━━━━━━━━━━━━━ 10s 1s/step - loss: 0.5000',
    '10/10 ━━━━━━━━━━━━━━━━━━━━ 10s 1s/step - loss: 0.5000',
    '',
  ]);
});

test('an epoch stopped early shows the steps actually done, with a partial bar', () => {
  const stream = fakeStream(false);
  const clock = fakeClock();
  const bar = new ProgressBar({ total: 100, verbose: 1, stream, now: clock.now });
  for (let step = 1; step <= 25; step++) {
    clock.advance(2);
    bar.update(step, { loss: 1 });
  }
  bar.finish({ loss: 0.25 });
  assert.equal(stream.text(), ` 25/100 ${'━'.repeat(5)}${' '.repeat(15)} 0s 2ms/step - loss: 0.2500\n`);
});

test('TTY, verbose 1: redraws in place with \\r, shows the ETA, ends with the elapsed time and a newline', () => {
  const stream = fakeStream(true);
  const clock = fakeClock();
  const bar = new ProgressBar({ total: 1875, verbose: 1, stream, now: clock.now });
  clock.advance(100);
  bar.update(1, { loss: 2.3, accuracy: 0.1 });
  clock.advance(3 * 1499);
  bar.update(1500, { loss: 0.0601, accuracy: 0.9812 });
  assert.equal(stream.chunks.length, 2);
  for (const chunk of stream.chunks) {
    assert.ok(chunk.startsWith('\r'), 'each redraw starts at column 0');
    assert.ok(!chunk.includes('\n'), 'a redraw never scrolls');
    assert.ok(chunk.endsWith('\x1b[K'), 'leftovers of a longer previous line are cleared');
  }
  // 375 steps left at 3 ms = 1.125 s -> ETA '1s' (truncated like Keras' %d).
  assert.equal(
    stripAnsi(stream.chunks[1]),
    '\r1500/1875 ━━━━━━━━━━━━━━━━━━━━ 1s 3ms/step - accuracy: 0.9812 - loss: 0.0601',
  );
  clock.advance(3 * 375);
  bar.update(1875, { loss: 0.0598, accuracy: 0.9815 });
  clock.advance(4000); // validation
  bar.finish(FINAL);
  const last = stream.chunks[stream.chunks.length - 1];
  assert.ok(last.startsWith('\r') && last.endsWith('\n'), 'the final line replaces the bar and stays');
  // 100 + 3*1874 + 4000 = 9722 ms -> '10s' elapsed.
  assert.match(stripAnsi(last), /^\r1875\/1875 ━{20} 10s \dms\/step - accuracy: 0\.9815 - loss: 0\.0598 - val_accuracy: 0\.9870 - val_loss: 0\.0431$/m);
});

test('TTY: the done part is green and the rest a dimmer colour, as Keras draws it', () => {
  const stream = fakeStream(true);
  const clock = fakeClock();
  const saved = process.env.NO_COLOR;
  delete process.env.NO_COLOR;
  try {
    const bar = new ProgressBar({ total: 4, verbose: 1, stream, now: clock.now });
    clock.advance(10);
    bar.update(1, { loss: 1 });
  } finally {
    if (saved !== undefined) process.env.NO_COLOR = saved;
  }
  // 1/4 of 20 = 5 done cells, green; 15 remaining, white.
  assert.ok(stream.chunks[0].includes(`\x1b[32m${'━'.repeat(5)}\x1b[0m\x1b[37m${'━'.repeat(15)}\x1b[0m`), JSON.stringify(stream.chunks[0]));
});

test('TTY with NO_COLOR: still redraws in place, but plain text with a blank remainder', () => {
  const stream = fakeStream(true);
  const clock = fakeClock();
  const saved = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  try {
    const bar = new ProgressBar({ total: 4, verbose: 1, stream, now: clock.now });
    clock.advance(10);
    bar.update(1, { loss: 1 });
  } finally {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  }
  assert.equal(stream.chunks[0], `\r1/4 ${'━'.repeat(5)}${' '.repeat(15)} 0s 10ms/step - loss: 1.0000\x1b[K`);
});

test('TTY redraws are throttled to one per 50 ms however often update is called', () => {
  const stream = fakeStream(true);
  const clock = fakeClock();
  const bar = new ProgressBar({ total: 1000, verbose: 1, stream, now: clock.now });
  // 1000 steps of 1 ms: one second of training may draw at most ~20 times.
  for (let step = 1; step <= 1000; step++) {
    clock.advance(1);
    bar.update(step, { loss: 0.1 });
  }
  assert.ok(stream.chunks.length >= 19 && stream.chunks.length <= 21, `drew ${stream.chunks.length} times`);
  // Updates inside the interval are dropped, and the first one after it is drawn.
  const before = stream.chunks.length;
  const fresh = new ProgressBar({ total: 10, verbose: 1, stream, now: clock.now });
  fresh.update(1, { loss: 1 });
  clock.advance(49);
  fresh.update(2, { loss: 1 });
  assert.equal(stream.chunks.length, before + 1, 'an update 49 ms after a draw is skipped');
  clock.advance(1);
  fresh.update(3, { loss: 1 });
  assert.equal(stream.chunks.length, before + 2, 'an update 50 ms after a draw is drawn');
  // finish() always draws, even inside the interval.
  fresh.finish({ loss: 1 });
  assert.equal(stream.chunks.length, before + 3);
});

test('TTY redraws are cut to the terminal width so the line never wraps; the final line is not', () => {
  const stream = fakeStream(true, 60);
  const clock = fakeClock();
  const bar = new ProgressBar({ total: 1875, verbose: 1, stream, now: clock.now });
  clock.advance(5);
  bar.update(1, { loss: 0.5, accuracy: 0.5, mse: 0.1, top_k_accuracy: 0.9 });
  const visible = stripAnsi(stream.chunks[0]).replace('\r', '');
  assert.equal(visible.length, 59);
  assert.ok(visible.startsWith('   1/1875 ━'));
  bar.finish({ loss: 0.5, accuracy: 0.5, mse: 0.1, top_k_accuracy: 0.9 });
  assert.ok(stripAnsi(stream.chunks[1]).includes('top_k_accuracy: 0.9000'));
});

test('verbose 0 writes nothing, on a TTY or not', () => {
  for (const isTTY of [true, false]) {
    const stream = fakeStream(isTTY);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 50, verbose: 0, stream, now: clock.now });
    runEpoch(bar, clock, 50, { firstStepMs: 100, stepMs: 100, final: FINAL });
    assert.deepEqual(stream.chunks, []);
  }
});

test('verbose 2: one line per epoch in the Keras semi-verbose format, even on a TTY', () => {
  for (const isTTY of [true, false]) {
    const stream = fakeStream(isTTY);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 1875, verbose: 2, stream, now: clock.now });
    runEpoch(bar, clock, 1875, { firstStepMs: 50, stepMs: 3, validationMs: 400, final: FINAL });
    assert.deepEqual(stream.chunks, [
      '1875/1875 - 6s - 3ms/step - accuracy: 0.9815 - loss: 0.0598 - val_accuracy: 0.9870 - val_loss: 0.0431\n',
    ]);
  }
});

test('the first step is left out of the time per step, as in Keras', () => {
  const stream = fakeStream(false);
  const clock = fakeClock();
  const bar = new ProgressBar({ total: 11, verbose: 2, stream, now: clock.now });
  // A 5 s first step (warm-up) then 10 steps of 20 ms: 20ms/step, not (5000+200)/11 = 473 ms.
  runEpoch(bar, clock, 11, { firstStepMs: 5000, stepMs: 20, final: { loss: 1 } });
  assert.equal(stream.text(), '11/11 - 5s - 20ms/step - loss: 1.0000\n');
});

test('custom unit name', () => {
  const stream = fakeStream(false);
  const clock = fakeClock();
  const bar = new ProgressBar({ total: 2, verbose: 2, stream, now: clock.now, unit: 'sample' });
  runEpoch(bar, clock, 2, { firstStepMs: 1, stepMs: 0.25, final: { loss: 1 } });
  assert.equal(stream.text(), '2/2 - 0s - 250us/sample - loss: 1.0000\n');
});

test('NaN and infinite metrics print as nan / inf, like Keras', () => {
  const stream = fakeStream(false);
  const clock = fakeClock();
  const bar = new ProgressBar({ total: 1, verbose: 1, stream, now: clock.now });
  runEpoch(bar, clock, 1, { firstStepMs: 7, stepMs: 0, final: { loss: NaN, accuracy: 0.1, val_loss: Infinity, val_x: -Infinity } });
  assert.equal(stream.text(), '1/1 ━━━━━━━━━━━━━━━━━━━━ 0s 7ms/step - accuracy: 0.1000 - loss: nan - val_loss: inf - val_x: -inf\n');
});

test('formatValue: 4 decimals, Python-style scientific notation at or below 1e-3', () => {
  assert.equal(formatValue(0.98154), '0.9815');
  // Rounding follows the exact binary value, as Python's f'{v:.4f}' does:
  assert.equal(formatValue(0.30015), '0.3001'); // stored just below the tie
  assert.equal(formatValue(0.06015), '0.0602'); // stored just above it
  assert.equal(formatValue(2.302585), '2.3026');
  assert.equal(formatValue(-1.5), '-1.5000');
  assert.equal(formatValue(123456.789), '123456.7890');
  assert.equal(formatValue(0.002), '0.0020');
  assert.equal(formatValue(0.001), '1.0000e-03');
  assert.equal(formatValue(1.234e-5), '1.2340e-05');
  assert.equal(formatValue(-4.5e-4), '-4.5000e-04');
  assert.equal(formatValue(3e-120), '3.0000e-120');
  assert.equal(formatValue(0), '0.0000e+00');
  assert.equal(formatValue(NaN), 'nan');
  assert.equal(formatValue(Infinity), 'inf');
  assert.equal(formatValue(-Infinity), '-inf');
});

test('formatTimePerUnit: s, ms or us per unit, with Keras thresholds', () => {
  assert.equal(formatTimePerUnit(0.003), '3ms/step');
  assert.equal(formatTimePerUnit(0.00325), '3ms/step');
  assert.equal(formatTimePerUnit(0.001), '1ms/step');
  assert.equal(formatTimePerUnit(0.00025), '250us/step');
  assert.equal(formatTimePerUnit(0.9994), '999ms/step');
  assert.equal(formatTimePerUnit(1), '1s/step');
  assert.equal(formatTimePerUnit(2.6), '3s/step');
  assert.equal(formatTimePerUnit(0), '0s/step'); // Keras prints 0 as seconds, not 0us
  assert.equal(formatTimePerUnit(0.004, 'sample'), '4ms/sample');
});

test('formatDuration: Keras ETA style, seconds then m:ss then h:mm:ss', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(1.99), '1s');
  assert.equal(formatDuration(6), '6s');
  assert.equal(formatDuration(60), '60s');
  assert.equal(formatDuration(65), '1:05');
  assert.equal(formatDuration(3600), '60:00');
  assert.equal(formatDuration(3665), '1:01:05');
  assert.equal(formatDuration(36000 + 59), '10:00:59');
  assert.equal(formatDuration(-3), '0s');
  assert.equal(formatDuration(Infinity), 'inf');
});

test('metric order: training metrics sorted, then val_ metrics sorted', () => {
  assert.deepEqual(orderMetricNames(['val_loss', 'loss', 'val_accuracy', 'accuracy', 'zeta']), [
    'accuracy',
    'loss',
    'zeta',
    'val_accuracy',
    'val_loss',
  ]);
});

test('epochHeader is 1-based and rejects a zero-based index', () => {
  assert.equal(epochHeader(1, 5), 'Epoch 1/5');
  assert.equal(epochHeader(5, 5), 'Epoch 5/5');
  assert.throws(() => epochHeader(0, 5), /1-based epoch in 1\.\.epochs; received epoch 0, epochs 5/);
  assert.throws(() => epochHeader(6, 5), RangeError);
});

test('a bad total is rejected with the value received', () => {
  assert.throws(() => new ProgressBar({ total: -1, verbose: 1, stream: fakeStream(false) }), /non-negative integer.*received -1/);
  assert.throws(() => new ProgressBar({ total: 2.5, verbose: 1, stream: fakeStream(false) }), /received 2\.5/);
});
