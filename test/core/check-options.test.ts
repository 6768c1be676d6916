/** The API-boundary checks: each refuses what it must with a ConfigError that says what was expected and received. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/errors.js';
import { checkBoolean, checkNonNegativeInteger, checkPositiveInteger, checkPositiveNumber, checkUnitInterval } from '../../src/core/check-options.js';

const refused = (run: () => unknown, message: string) => assert.throws(run, (e: unknown) => e instanceof ConfigError && e.message === message);

test('positive and non-negative integers', () => {
  assert.equal(checkPositiveInteger('f()', 'n', 3), 3);
  for (const bad of [0, -1, 0.5, NaN, Infinity, '3', null]) refused(() => checkPositiveInteger('f()', 'n', bad, '32'), `f() expects n to be a positive integer such as 32; received ${typeof bad === 'string' ? '"3"' : String(bad)}.`);
  assert.equal(checkNonNegativeInteger('f()', 'n', 0), 0);
  refused(() => checkNonNegativeInteger('f()', 'n', -1), 'f() expects n to be a non-negative integer; received -1.');
});

test('positive numbers, the unit interval and booleans', () => {
  assert.equal(checkPositiveNumber('A', 'lr', 1e-3, '0.001'), 1e-3);
  refused(() => checkPositiveNumber('A', 'lr', Infinity, '0.001'), 'A expects lr to be a positive finite number such as 0.001; received Infinity.');
  assert.equal(checkUnitInterval('A', 'b', 0, '0.9'), 0);
  refused(() => checkUnitInterval('A', 'b', 1, '0.9'), 'A expects b in [0, 1) such as 0.9; received 1.');
  refused(() => checkBoolean('A', 'flag', 'true'), 'A expects flag to be true or false; received "true".');
});
