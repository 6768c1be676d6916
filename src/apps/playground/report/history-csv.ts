/**
 * Reads a CSVLogger file (src/io/csv-logger.ts: a header "epoch,<sorted log
 * keys>", then one row per epoch, epoch from 0, NA for a missing value) into
 * the points of the report's training curves. The file is the user's, so each
 * refusal names the line and what was expected there.
 */
import { DataError } from '../../../core/errors.js';
import { quoteValue } from '../../../core/quote-value.js';
import type { ReportHistoryPoint } from './report-data.js';

/** CSV columns the curves draw, and their names in a HistoryPoint; other columns (lr, ...) are left out. */
const CURVE_COLUMNS = { loss: 'loss', accuracy: 'accuracy', val_loss: 'valLoss', val_accuracy: 'valAccuracy' } as const;
type CurveColumn = keyof typeof CURVE_COLUMNS;

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** Far above a real log (a row per epoch); a larger file is not a CSVLogger log. */
export const MAX_HISTORY_BYTES = 16 * 1024 * 1024;

export function parseHistoryCsv(text: string, model: string, source = 'the history file'): ReportHistoryPoint[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = lines[0] ?? '';
  const match = /^epoch([^A-Za-z0-9_"\r\n])/.exec(header);
  if (!match) throw new DataError(`${source}: expected a CSVLogger log whose header starts with "epoch" and a separator (e.g. "epoch,accuracy,loss"); received ${quoteValue(header.slice(0, 80))}.`);
  const separator = match[1];
  const columns = header.split(separator);
  const curves = columns.map((c) => (Object.hasOwn(CURVE_COLUMNS, c) ? CURVE_COLUMNS[c as CurveColumn] : undefined));
  if (!curves.some((c) => c !== undefined)) {
    throw new DataError(`${source}: expected at least one of the columns ${Object.keys(CURVE_COLUMNS).join(', ')}; the header has ${columns.join(', ')}.`);
  }
  if (lines.length < 2) throw new DataError(`${source}: has a header but no epoch rows.`);
  return lines.slice(1).map((line, i) => {
    const where = `${source} line ${i + 2}`;
    const cells = line.split(separator);
    if (cells.length !== columns.length) throw new DataError(`${where}: expected ${columns.length} values (${columns.join(separator)}); received ${cells.length}.`);
    if (!/^(0|[1-9]\d{0,8})$/.test(cells[0])) throw new DataError(`${where}: expected the epoch as a non-negative integer; received ${quoteValue(cells[0])}.`);
    const point: ReportHistoryPoint = { model, epoch: Number(cells[0]) + 1 };
    cells.forEach((cell, c) => {
      const name = curves[c];
      // NA: no value that epoch; NaN or Infinity: a diverged run, which CSVLogger logs as is and a curve cannot draw.
      if (name === undefined || cell === 'NA' || NON_FINITE.has(cell)) return;
      const value = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(value)) throw new DataError(`${where}: expected a number or NA for ${columns[c]}; received ${quoteValue(cell)}.`);
      point[name] = value;
    });
    return point;
  });
}
