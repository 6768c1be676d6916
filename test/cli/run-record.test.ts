/** The run record of `convkit train` checkpoints: every field is type-checked, each with its own message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelFileError } from '../../src/core/errors.js';
import { readRunRecord, writeRunRecord, type RunRecord } from '../../src/cli/run-record.js';

const good: RunRecord = { model: 'dense', epochs: 4, batchSize: 64, learningRate: 0.001, schedule: 'cosine', beta2: 0.999, validationSplit: 0.1, data: 'mnist', trainLimit: 300 };

function refused(record: unknown, message: RegExp): void {
  const text = typeof record === 'string' ? record : JSON.stringify(record);
  assert.throws(() => readRunRecord(text, 'c.safetensors'), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, String(e));
    assert.match(e.message, /^c\.safetensors: metadata "convkit_cli_run"/);
    assert.match(e.message, message);
    return true;
  });
}

test('a record written by train reads back as written; optional fields may be absent', () => {
  assert.deepEqual(readRunRecord(writeRunRecord(good), 'c'), good);
  const { beta2: _b, validationSplit: _v, data: _d, trainLimit: _t, ...required } = good;
  assert.deepEqual(readRunRecord(writeRunRecord(required), 'c'), required);
  assert.equal(readRunRecord(undefined, 'c'), undefined);
});

test('each field of the wrong type is refused by name (null and objects included)', () => {
  refused({ ...good, validationSplit: null }, /: validationSplit must be a number in \[0, 1\); received null\./);
  refused({ ...good, validationSplit: 1 }, /: validationSplit must be a number in \[0, 1\); received 1\./);
  refused({ ...good, data: { toString: 1 } }, /: data must be a folder path \(a non-empty string\); received \{"toString":1\}\./);
  refused({ ...good, trainLimit: null }, /: trainLimit must be a positive integer; received null\./);
  refused({ ...good, trainLimit: 2.5 }, /: trainLimit must be a positive integer; received 2\.5\./);
  refused({ ...good, epochs: '4' }, /: epochs must be a positive integer; received "4"\./);
  refused({ ...good, batchSize: 0 }, /: batchSize must be a positive integer; received 0\./);
  refused({ ...good, learningRate: -1 }, /: learningRate must be a positive finite number; received -1\./);
  refused({ ...good, schedule: 'linear' }, /: schedule must be one of "cosine", "warmup-cosine", "constant"; received "linear"\./);
  refused({ ...good, beta2: 1 }, /: beta2 must be a number in \(0, 1\); received 1\./);
  refused({ ...good, model: 'resnet' }, /: model must be one of "cnn", "dense"; received "resnet"\./);
});

test('missing, unknown and malformed records', () => {
  const { epochs: _e, ...noEpochs } = good;
  refused(noEpochs, / lacks the field epochs, which must be a positive integer\./);
  refused({ ...good, '\x1b[31mhook': 1 }, / has unknown field\(s\) "\\x1b\[31mhook"/);
  refused([good], / must be a JSON object describing a convkit train run; received \[/);
  refused('{"model": ', / is not valid JSON/);
  refused(`${'['.repeat(5000)}${']'.repeat(5000)}`, / nests deeper than 64 levels/);
});
