/**
 * The training progress display, in the format of Keras 3's Progbar
 * (keras/src/utils/progbar.py), so output reads like `model.fit` in Keras:
 *
 *   1500/1875 ━━━━━━━━━━━━━━━━━━━━ 1s 3ms/step - accuracy: 0.9812 - loss: 0.0601
 *
 * Written by hand rather than with cli-progress: cli-progress redraws on its
 * own timer (which cannot fire while a synchronous training step holds the
 * event loop), reads Date.now() directly (so tests could not use a fake
 * clock), has its own ETA estimate, and in non-TTY mode prints periodically.
 * The Keras format needs none of that machinery; what it needs is below.
 *
 * One ProgressBar per epoch: its clock starts when it is constructed.
 */

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** Steps in the epoch. */
  total: number;
  /** 0 silent, 1 bar (redrawn on a TTY, one line at the end otherwise), 2 one line per epoch. */
  verbose: 0 | 1 | 2;
  /** Default process.stdout. */
  stream?: ProgressStream;
  /** Milliseconds clock; injectable so tests control time. Default performance.now (monotonic). */
  now?: () => number;
  /** Name shown in the time per unit, 'step' by default. */
  unit?: string;
}

/** Keras' bar width and redraw interval (Progbar width=20, interval=0.05). */
const BAR_WIDTH = 20;
const REDRAW_INTERVAL_MS = 50;

// ANSI styling as Keras uses it: bold count and time, green done, white rest.
const BOLD = '\x1b[1m';
const GREEN = '\x1b[32m';
const WHITE = '\x1b[37m';
const RESET = '\x1b[0m';
const CLEAR_TO_END = '\x1b[K';

/** 'Epoch 1/5'. `epoch` is 1-based, as displayed. */
export function epochHeader(epoch: number, epochs: number): string {
  if (!Number.isInteger(epoch) || !Number.isInteger(epochs) || epoch < 1 || epoch > epochs) {
    throw new RangeError(
      `epochHeader expects a 1-based epoch in 1..epochs; received epoch ${epoch}, epochs ${epochs}. Pass epochIndex + 1.`,
    );
  }
  return `Epoch ${epoch}/${epochs}`;
}

/**
 * A remaining time as Keras shows its ETA: '6s' up to a minute, then 'm:ss'
 * ('1:05'), then 'h:mm:ss' ('1:01:05'). Truncated, not rounded, like Keras' %d.
 */
export function formatDuration(seconds: number): string {
  if (Number.isNaN(seconds)) return 'nan';
  if (seconds === Infinity) return 'inf';
  // A clock step back or current > total would give a negative ETA; 0s is the honest floor.
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s > 3600) return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  if (s > 60) return `${Math.floor(s / 60)}:${pad(s % 60)}`;
  return `${s}s`;
}

/** Time per unit as Keras shows it: '2s/step' (>= 1 s, or exactly 0), '3ms/step', '250us/step'. */
export function formatTimePerUnit(seconds: number, unit = 'step'): string {
  if (seconds >= 1 || seconds === 0) return `${seconds.toFixed(0)}s/${unit}`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(0)}ms/${unit}`;
  return `${(seconds * 1e6).toFixed(0)}us/${unit}`;
}

/**
 * A metric value as Keras prints it: 4 decimals, or 4-digit scientific
 * notation with a two-digit exponent (Python's '1.2340e-05') when |v| <= 1e-3
 * so small losses do not read as 0.0000. NaN and infinities read as Python
 * prints them ('nan', 'inf', '-inf'): a diverging loss must be visible.
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Math.abs(value) > 1e-3) return value.toFixed(4);
  // JS writes 'e-5' where Python writes 'e-05'.
  return value.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/**
 * Keras 3 (TF backend) logs come out with training metrics in key order
 * (tf.nest sorts dict keys) and the val_ metrics appended after them, also
 * sorted. Code-unit order, as Python sorts strings.
 */
export function orderMetricNames(names: string[]): string[] {
  const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const train = names.filter((n) => !n.startsWith('val_')).sort(byCodeUnit);
  const val = names.filter((n) => n.startsWith('val_')).sort(byCodeUnit);
  return [...train, ...val];
}

function formatMetrics(values: Record<string, number>): string {
  return orderMetricNames(Object.keys(values))
    .map((k) => ` - ${k}: ${formatValue(values[k])}`)
    .join('');
}

export class ProgressBar {
  private readonly total: number;
  private readonly verbose: 0 | 1 | 2;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly unit: string;
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly start: number;
  private current = 0;
  private values: Record<string, number> = {};
  private lastDraw = -Infinity;
  private timeAfterFirstStep: number | undefined;
  private finished = false;

  constructor(options: ProgressBarOptions) {
    if (!Number.isInteger(options.total) || options.total < 0) {
      throw new RangeError(`ProgressBar expects total to be a non-negative integer (steps per epoch); received ${options.total}.`);
    }
    this.total = options.total;
    this.verbose = options.verbose;
    this.stream = options.stream ?? process.stdout;
    this.now = options.now ?? (() => performance.now());
    this.unit = options.unit ?? 'step';
    this.tty = this.stream.isTTY === true;
    // https://no-color.org: any non-empty NO_COLOR turns styling off; the bar still redraws.
    this.color = this.tty && !process.env.NO_COLOR;
    this.start = this.now();
  }

  /** current = steps done so far; values = running averages to show. */
  update(current: number, values: Record<string, number>): void {
    if (this.finished) return;
    const now = this.now();
    // Bookkeeping runs on every call so the first-step exclusion sees step 1 even when no draw happens.
    this.trackStep(current, now);
    this.current = current;
    this.values = values;
    // Only a verbose-1 TTY shows progress mid-epoch; everything else waits for finish().
    if (this.verbose !== 1 || !this.tty) return;
    // Throttled so that drawing never costs training time; the last step is drawn by finish().
    if (now - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = now;
    const eta = this.timePerUnit(current, now) * (this.total - current);
    this.stream.write(`\r${this.barLine(current, formatDuration(eta), now, true)}${CLEAR_TO_END}`);
  }

  /** end of epoch: final values include val_ metrics. Prints the final line (TTY: replaces the bar). */
  finish(values: Record<string, number>): void {
    if (this.finished || this.verbose === 0) {
      this.finished = true;
      return;
    }
    this.finished = true;
    const now = this.now();
    // The steps actually done: fit may stop an epoch early (stopTraining).
    const current = this.current;
    const elapsed = `${Math.round((now - this.start) / 1000)}s`;
    const perUnit = formatTimePerUnit(this.timePerUnit(current, now), this.unit);
    if (this.verbose === 2) {
      this.stream.write(`${this.count(current)} - ${elapsed} - ${perUnit}${formatMetrics(values)}\n`);
      return;
    }
    // Not truncated to the terminal width: the final line stays in the log, and wrapping it is harmless.
    const line = this.barLine(current, elapsed, now, false, values);
    this.stream.write(this.tty ? `\r${line}${CLEAR_TO_END}\n` : `${line}\n`);
  }

  /**
   * Keras' estimate: the first step (graph tracing there, warm caches and
   * allocation here) is unrepresentative, so once step 1 has been seen the
   * time per step is measured from its end.
   */
  private trackStep(current: number, now: number): void {
    if (current === 1) this.timeAfterFirstStep = now;
  }

  private timePerUnit(current: number, now: number): number {
    if (current <= 0) return 0;
    const ms =
      this.timeAfterFirstStep !== undefined && current > 1
        ? (now - this.timeAfterFirstStep) / (current - 1)
        : (now - this.start) / current;
    return ms / 1000;
  }

  /** '  42/1875': the count is right-aligned to the total's width so the bar does not jitter. */
  private count(current: number): string {
    const digits = String(this.total).length;
    return `${String(current).padStart(digits)}/${this.total}`;
  }

  private barLine(current: number, time: string, now: number, fitWidth: boolean, values = this.values): string {
    const done = this.total > 0 ? Math.floor(BAR_WIDTH * Math.min(1, Math.max(0, current / this.total))) : BAR_WIDTH;
    const count = this.count(current);
    // Without colour the remainder is blank, or done and to-do would look alike.
    const paint = (style: string, text: string): string => (text ? `${style}${text}${RESET}` : '');
    const bar = this.color
      ? `${paint(BOLD, count)} ${paint(GREEN, '━'.repeat(done))}${paint(WHITE, '━'.repeat(BAR_WIDTH - done))}`
      : `${count} ${'━'.repeat(done)}${' '.repeat(BAR_WIDTH - done)}`;
    const timeText = this.color ? paint(BOLD, time) : time;
    let tail = ` ${formatTimePerUnit(this.timePerUnit(current, now), this.unit)}${formatMetrics(values)}`;
    // A redrawn line longer than the terminal wraps, and '\r' then only rewinds
    // the last row, leaving a trail of stale lines; so cut the metrics to fit.
    const columns = this.stream.columns;
    if (fitWidth && columns !== undefined && columns > 0) {
      const used = count.length + 1 + BAR_WIDTH + 1 + time.length;
      tail = tail.slice(0, Math.max(0, columns - 1 - used));
    }
    return `${bar} ${timeText}${tail}`;
  }
}
