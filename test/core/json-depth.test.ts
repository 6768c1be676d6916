/** jsonDepth / parseJsonWithDepthLimit: JSON nested past the limit is refused before JSON.parse recurses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDepth, MAX_JSON_DEPTH, parseJsonWithDepthLimit } from '../../src/core/json-depth.js';

const fail = (why: string): never => {
  throw new Error(`bad: ${why}`);
};

test('counts nesting of arrays and objects', () => {
  assert.equal(jsonDepth('1'), 0);
  assert.equal(jsonDepth('{"a": [1, {"b": []}]}'), 4);
  assert.equal(jsonDepth('[[],[],[]]'), 2);
});

test('brackets inside strings, escaped quotes included, do not count', () => {
  assert.equal(jsonDepth('{"[[[[": "{{{\\"[[["}'), 1);
  assert.equal(jsonDepth('["\\\\", [1]]'), 2);
});

test('stops scanning once past the limit', () => {
  assert.equal(jsonDepth('['.repeat(1000), 5), 6);
});

test('a document nested 100,000 levels is refused with the depth, not a stack overflow', () => {
  const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  assert.throws(() => parseJsonWithDepthLimit(text, fail), (error: Error) => {
    assert.match(error.message, new RegExp(`nests deeper than ${MAX_JSON_DEPTH} levels`));
    return true;
  });
});

test('parses documents within the limit, and reports JSON errors through fail', () => {
  assert.deepEqual(parseJsonWithDepthLimit('{"a": [1, 2]}', fail), { a: [1, 2] });
  const text = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
  assert.equal(jsonDepth(text), MAX_JSON_DEPTH);
  assert.doesNotThrow(() => parseJsonWithDepthLimit(text, fail));
  assert.throws(() => parseJsonWithDepthLimit('{"a": }', fail), /bad: is not valid JSON/);
});
