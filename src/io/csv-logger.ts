/**
 * CSVLogger: one row per epoch (epoch from 0, then the logged values in
 * sorted column order, as Keras writes it). Without `append` the whole file
 * is rewritten atomically each epoch, so it is always a complete CSV; with
 * `append` rows are added to an existing log (a resumed run continues the
 * previous run's file), and its header must name the same columns.
 * A callback in io, not model/, because it writes files: io depends on model, never the reverse.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { Callback, Logs } from '../model/callbacks.js';
import { writeFileAtomic } from './atomic-write.js';
import { ConfigError } from '../core/errors.js';
import { quoteValue } from '../core/quote-value.js';
import { checkBoolean, checkKnownKeys, optionKeys } from '../core/check-options.js';

export interface CSVLoggerOptions {
  separator?: string;
  /** Add to an existing file instead of replacing it (default false). */
  append?: boolean;
}

export class CSVLogger implements Callback {
  readonly separator: string;
  readonly append: boolean;
  private columns: string[] | undefined;
  private lines: string[] = [];
  /** Header found in the file when appending; undefined when the file is new or empty. */
  private existingHeader: string | undefined;

  constructor(readonly filename: string, options: CSVLoggerOptions = {}) {
    checkKnownKeys('CSVLogger', options, optionKeys<CSVLoggerOptions>({ separator: true, append: true }));
    if (typeof filename !== 'string' || filename === '') throw new ConfigError(`CSVLogger expects a file name; received ${quoteValue(filename)}.`);
    this.separator = options.separator ?? ',';
    if (typeof this.separator !== 'string' || this.separator.length !== 1 || /[\r\n"]/.test(this.separator)) {
      throw new ConfigError(`CSVLogger expects separator to be one character other than a quote or newline; received ${quoteValue(options.separator)}.`);
    }
    this.append = checkBoolean('CSVLogger', 'append', options.append ?? false);
  }

  async onTrainBegin(): Promise<void> {
    this.columns = undefined;
    this.lines = [];
    this.existingHeader = undefined;
    if (!this.append) return;
    const text = await readFile(this.filename, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    this.existingHeader = text.split('\n', 1)[0] || undefined;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (!this.columns) {
      this.columns = ['epoch', ...Object.keys(logs).sort()];
      const header = this.columns.join(this.separator);
      if (this.existingHeader !== undefined && this.existingHeader.replace(/\r$/, '') !== header) {
        throw new ConfigError(`CSVLogger: ${this.filename} has the columns "${this.existingHeader}", but this run logs "${header}". Append to a log of the same run, or use another file.`);
      }
      if (this.existingHeader === undefined) this.lines.push(header);
    }
    // String(number) is the shortest text that reads back as the same double; a missing value is NA.
    const row = this.columns.map((c) => (c === 'epoch' ? String(epoch) : Object.hasOwn(logs, c) ? String(logs[c]) : 'NA')).join(this.separator);
    this.lines.push(row);
    if (this.append) {
      await appendFile(this.filename, `${this.lines.join('\n')}\n`);
      this.lines = [];
    } else {
      await writeFileAtomic(this.filename, `${this.lines.join('\n')}\n`);
    }
  }
}
