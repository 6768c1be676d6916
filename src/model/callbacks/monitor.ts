/**
 * What EarlyStopping and ModelCheckpoint share: which logged quantity they
 * watch, in which direction it improves, and by how much it must move.
 * Keras semantics: mode 'auto' means 'max' for accuracy, AUC, precision and recall, else 'min'.
 */
import type { Logs } from '../callbacks.js';
import { ConfigError } from '../../core/errors.js';
import { quoteValue } from '../../core/quote-value.js';

export type MonitorMode = 'auto' | 'min' | 'max';

export function resolveMode(callback: string, monitor: string, mode: unknown): 'min' | 'max' {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
    throw new ConfigError(`${callback} expects mode to be 'auto', 'min' or 'max'; received ${quoteValue(mode)}.`);
  }
  if (mode !== 'auto') return mode;
  // Keras 3 reads the direction from the metric: accuracy, AUC, precision and recall go up.
  return /acc|auc|precision|recall/.test(monitor) ? 'max' : 'min';
}

/**
 * True when `current` beats `reference` by more than minDelta in the mode's
 * direction. A non-finite current value (NaN, Inf) never counts as better, so
 * a diverged epoch can never become "the best".
 */
export function isImprovement(mode: 'min' | 'max', current: number, reference: number | undefined, minDelta: number): boolean {
  if (!Number.isFinite(current)) return false;
  if (reference === undefined) return true;
  return mode === 'min' ? current + minDelta < reference : current - minDelta > reference;
}

/** The monitored value from the epoch logs, or an error that lists what fit() does report. */
export function monitoredValue(callback: string, monitor: string, logs: Logs): number {
  const value = logs[monitor];
  if (typeof value !== 'number') {
    const hint = monitor.startsWith('val_') ? ' Pass validationSplit or validationData to fit(), or monitor a training quantity such as \'loss\'.' : '';
    throw new ConfigError(`${callback} monitors '${monitor}', which fit() does not report; available: ${Object.keys(logs).join(', ') || 'nothing'}.${hint}`);
  }
  return value;
}

export function nonNegativeNumber(callback: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new ConfigError(`${callback} expects ${option} to be a non-negative number; received ${quoteValue(value)}.`);
  }
  return value;
}
