/** The --history file of `convkit report`: a regular file, capped in size, UTF-8, parsed by parseHistoryCsv. */
import { withUntrustedFile } from '../../../data/untrusted-file.js';
import { DataError } from '../../../core/errors.js';
import { MAX_HISTORY_BYTES, parseHistoryCsv } from './history-csv.js';
import type { ReportHistoryPoint } from './report-data.js';

export async function readHistoryCsv(path: string, model: string): Promise<ReportHistoryPoint[]> {
  const bytes = await withUntrustedFile(path, { what: 'the history file (a CSVLogger log)' }, async (file) => {
    if (file.size > MAX_HISTORY_BYTES) {
      throw new DataError(`${path}: expected a CSVLogger log of at most ${MAX_HISTORY_BYTES} bytes; received ${file.size} bytes.`);
    }
    return file.readAll(MAX_HISTORY_BYTES);
  });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataError(`${path}: expected a CSVLogger log in UTF-8 text; the file is not valid UTF-8.`);
  }
  return parseHistoryCsv(text, model, path);
}
