/** quoteValue / quoteString: values from files are echoed short and with their control characters escaped. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControls, QUOTE_MAX_CHARS, quoteString, quoteValue } from '../../src/core/quote-value.js';

test('control characters are shown escaped, never raw', () => {
  const quoted = quoteString('conv\x1b[31m2d\x07\x7f\x9b\n');
  assert.equal(quoted, '"conv\\x1b[31m2d\\x07\\x7f\\x9b\\n"');
  assert.doesNotMatch(quoted, /[\x00-\x1f\x7f-\x9f]/);
});

test('bidirectional overrides and lone surrogates are escaped too', () => {
  assert.equal(quoteString('a\u202eb\ud800'), '"a\\u202eb\\ud800"');
});

test('a long string is cut and says its length', () => {
  const quoted = quoteString('x'.repeat(10_000_000));
  assert.ok(quoted.length < QUOTE_MAX_CHARS + 40, `${quoted.length} characters`);
  assert.match(quoted, /\.\.\. \(10000000 characters\)$/);
});

test('a short plain string reads as JSON.stringify would write it', () => {
  assert.equal(quoteString('dense_1/kernel'), JSON.stringify('dense_1/kernel'));
  assert.equal(quoteValue('a"b\\c'), JSON.stringify('a"b\\c'));
});

test('numbers, null and booleans are shown as they are', () => {
  assert.equal(quoteValue(3), '3');
  assert.equal(quoteValue(null), 'null');
  assert.equal(quoteValue(undefined), 'undefined');
  assert.equal(quoteValue(false), 'false');
});

test('a huge array or object is summarised with its count', () => {
  const array = quoteValue(Array.from({ length: 1_000_000 }, (_, i) => i));
  assert.ok(array.length < 200, array);
  assert.match(array, /\(1000000 items\)\]$/);
  const object = quoteValue(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`key${i}`, 'v'.repeat(50)])));
  assert.ok(object.length < 300, object);
  assert.match(object, /\(1000 keys\)\}$/);
});

test('deeply nested values are not walked', () => {
  let nested: unknown = 1;
  for (let i = 0; i < 100_000; i++) nested = [nested];
  assert.equal(quoteValue(nested), '[[[... (1 items)]]]');
  assert.equal(quoteValue({ dtype: 'F32', shape: [2, 3] }), JSON.stringify({ dtype: 'F32', shape: [2, 3] }));
  assert.equal(quoteValue(NaN), 'NaN');
});

test('escapeControls escapes a whole line without quoting or cutting it, keeping what it is told to keep', () => {
  assert.equal(escapeControls('a\x1b[31m"b"\\c\n\td'), 'a\\x1b[31m"b"\\c\\n\\td');
  assert.equal(escapeControls('line 1\nline\x9b2\t.', '\n\t'), 'line 1\nline\\x9b2\t.');
  assert.equal(escapeControls('x'.repeat(1000)).length, 1000);
});
