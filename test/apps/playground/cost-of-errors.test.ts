import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costOfErrors } from '../../../src/apps/playground/shared/cost-of-errors.js';
import { ConfigError } from '../../../src/core/errors.js';

test('errors per 10,000 become errors and cost per day, and the difference between the models', () => {
  const r = costOfErrors([{ model: 'cnn', errors: 90 }, { model: 'dense', errors: 230 }], 1_000_000, 2.5);
  assert.deepEqual(r.rows, [
    { model: 'cnn', errorsPerDay: 9000, costPerDay: 22500 },
    { model: 'dense', errorsPerDay: 23000, costPerDay: 57500 },
  ]);
  assert.equal(r.difference, 35000);
  assert.equal(r.best, 'cnn');
});

test('one model has no difference; no model has no best', () => {
  assert.equal(costOfErrors([{ model: 'cnn', errors: 100 }], 10_000, 1).difference, 0);
  assert.deepEqual(costOfErrors([], 10, 1), { rows: [], difference: 0 });
});

test('negative or non-finite inputs are ConfigErrors that name the field', () => {
  assert.throws(() => costOfErrors([{ model: 'cnn', errors: 1 }], -1, 1), (e: unknown) => e instanceof ConfigError && /events per day.*received -1/.test(e.message));
  assert.throws(() => costOfErrors([{ model: 'cnn', errors: 1 }], 1, NaN), (e: unknown) => e instanceof ConfigError && /cost of one miss.*received NaN/.test(e.message));
  assert.throws(() => costOfErrors([{ model: 'cnn', errors: 10_001 }], 1, 1), (e: unknown) => e instanceof ConfigError && /received 10001 for cnn/.test(e.message));
});
