import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHistoryCsv } from '../../../../src/apps/playground/report/history-csv.js';
import { readHistoryCsv } from '../../../../src/apps/playground/report/read-history.js';
import { CSVLogger } from '../../../../src/io/csv-logger.js';

test("a CSVLogger log becomes curve points at each epoch's end, NA and a diverged NaN left out, other columns ignored", () => {
  const points = parseHistoryCsv('epoch,accuracy,loss,lr,val_accuracy,val_loss\r\n0,0.8,0.6,0.001,0.9,0.3\r\n1,0.95,NaN,0.0005,NA,0.15\r\n', 'cnn');
  assert.deepEqual(points, [
    { model: 'cnn', epoch: 1, accuracy: 0.8, loss: 0.6, valAccuracy: 0.9, valLoss: 0.3 },
    { model: 'cnn', epoch: 2, accuracy: 0.95, valLoss: 0.15 },
  ]);
  assert.deepEqual(parseHistoryCsv('epoch;loss\n0;1.5\n', 'm'), [{ model: 'm', epoch: 1, loss: 1.5 }], 'the separator is the one after "epoch"');
});

test('the file CSVLogger writes reads back as the logs it was given', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convkit-history-'));
  try {
    const path = join(dir, 'run.csv');
    const logger = new CSVLogger(path);
    await logger.onTrainBegin();
    await logger.onEpochEnd(0, { loss: 0.31, accuracy: 0.9, val_loss: 0.2, val_accuracy: 0.94 });
    await logger.onEpochEnd(1, { loss: 0.12, accuracy: 0.96, val_loss: 0.1, val_accuracy: 0.97 });
    assert.deepEqual(await readHistoryCsv(path, 'lab'), [
      { model: 'lab', epoch: 1, loss: 0.31, accuracy: 0.9, valLoss: 0.2, valAccuracy: 0.94 },
      { model: 'lab', epoch: 2, loss: 0.12, accuracy: 0.96, valLoss: 0.1, valAccuracy: 0.97 },
    ]);
    await writeFile(path, Buffer.from([0x65, 0x70, 0x6f, 0x63, 0x68, 0x2c, 0xff, 0x0a]));
    await assert.rejects(readHistoryCsv(path, 'lab'), /run\.csv: expected a CSVLogger log in UTF-8 text/);
    await assert.rejects(readHistoryCsv(dir, 'lab'), /it is a directory; expected a regular file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a file that is not a CSVLogger log is refused, naming the line and what was expected there', () => {
  const refuses = (text: string, message: RegExp) => assert.throws(() => parseHistoryCsv(text, 'm', 'run.csv'), message);
  refuses('', /run\.csv: expected a CSVLogger log whose header starts with "epoch"/);
  refuses('step,loss\n0,1\n', /header starts with "epoch" .*received "step,loss"/);
  refuses('epoch,lr\n0,0.1\n', /expected at least one of the columns loss, accuracy, val_loss, val_accuracy; the header has epoch, lr/);
  refuses('epoch,loss\n', /has a header but no epoch rows/);
  refuses('epoch,loss\n0,1\n1\n', /run\.csv line 3: expected 2 values \(epoch,loss\); received 1/);
  refuses('epoch,loss\n-1,1\n', /line 2: expected the epoch as a non-negative integer; received "-1"/);
  refuses('epoch,loss\n0.5,1\n', /line 2: expected the epoch as a non-negative integer; received "0\.5"/);
  refuses('epoch,loss\n0,abc\n', /line 2: expected a number or NA for loss; received "abc"/);
  refuses('epoch,loss\n0,\n', /line 2: expected a number or NA for loss; received ""/);
});
