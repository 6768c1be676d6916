/**
 * ModelCheckpoint: saves the model at the end of each epoch, or only when the
 * monitored quantity improves (saveBestOnly), to a path template such as
 * "ckpt-{epoch:02d}-{val_loss:.4f}.safetensors". Each file is a complete,
 * resumable checkpoint (weights, optimizer, generator state and the epoch
 * reached), written atomically.
 *
 * A checkpoint is never written from a diverged model: when the epoch's loss
 * or any weight is NaN or infinite, the save is skipped and the last good
 * file stays as it was.
 *
 * It lives in io, not with the other callbacks in model/, because it writes
 * model files: io depends on model, never the reverse.
 */
import type { Callback, Logs } from '../model/callbacks.js';
import { isImprovement, monitoredValue, resolveMode, type MonitorMode } from '../model/callbacks/monitor.js';
import { PathTemplate } from '../model/callbacks/path-template.js';
import type { Sequential } from '../model/sequential.js';
import { saveModel, type SaveOptions } from './model-file.js';
import { checkBoolean, checkKnownKeys, optionKeys } from '../core/check-options.js';
import { firstNonFinite } from '../core/non-finite.js';

export interface ModelCheckpointOptions {
  /** Logged quantity for saveBestOnly (default 'val_loss'). */
  monitor?: string;
  mode?: MonitorMode;
  /** Save only when the monitored quantity improves (default false: every epoch). */
  saveBestOnly?: boolean;
  /** Keep the optimizer state in the file, needed to resume exactly (default true). */
  includeOptimizer?: boolean;
  /** Extra string metadata written into each file. */
  metadata?: Record<string, string>;
  /** Where a line goes when a save is skipped or made (default: stderr for skips, nothing for saves). */
  log?: (line: string) => void;
}

function allFinite(model: Sequential): boolean {
  return model.weights().every((w) => firstNonFinite(w.value) < 0);
}

export class ModelCheckpoint implements Callback {
  readonly path: PathTemplate;
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly saveBestOnly: boolean;
  /** Best monitored value saved so far (saveBestOnly). */
  best: number | undefined;
  /** The last file written, if any. */
  lastSaved: string | undefined;
  private model: Sequential | undefined;
  private readonly saveOptions: SaveOptions;
  private readonly log: (line: string) => void;

  constructor(filepath: string, options: ModelCheckpointOptions = {}) {
    checkKnownKeys('ModelCheckpoint', options, optionKeys<ModelCheckpointOptions>({ monitor: true, mode: true, saveBestOnly: true, includeOptimizer: true, metadata: true, log: true }));
    this.path = new PathTemplate(filepath);
    this.monitor = options.monitor ?? 'val_loss';
    this.mode = resolveMode('ModelCheckpoint', this.monitor, options.mode ?? 'auto');
    this.saveBestOnly = checkBoolean('ModelCheckpoint', 'saveBestOnly', options.saveBestOnly ?? false);
    this.saveOptions = { includeOptimizer: checkBoolean('ModelCheckpoint', 'includeOptimizer', options.includeOptimizer ?? true), metadata: options.metadata };
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  setModel(model: Sequential): void {
    this.model = model;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    const model = this.model!;
    const loss = logs.loss;
    if ((typeof loss === 'number' && !Number.isFinite(loss)) || !allFinite(model)) {
      this.log(`ModelCheckpoint: epoch ${epoch + 1} has a non-finite loss or weights; not saved${this.lastSaved ? `, ${this.lastSaved} is kept` : ''}.`);
      return;
    }
    if (this.saveBestOnly) {
      const current = monitoredValue('ModelCheckpoint', this.monitor, logs);
      if (!isImprovement(this.mode, current, this.best, 0)) return;
      this.best = current;
    }
    // Keras numbers epochs from 1 in file names; the file records epochs completed, which is the same number.
    const path = this.path.format({ ...logs, epoch: epoch + 1 });
    await saveModel(model, path, { ...this.saveOptions, epoch: epoch + 1 });
    this.lastSaved = path;
  }
}
