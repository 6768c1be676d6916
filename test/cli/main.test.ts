/** The convkit command line, run as a user runs it: a child process, checked on its output and exit code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('summary --model cnn prints the true parameter count and explains the lab figure', () => {
  const { status, stdout } = run('summary', '--model', 'cnn');
  assert.equal(status, 0);
  assert.match(stdout, /Total params: 225,034 \(879\.04 KB\)/);
  assert.match(stdout, /conv2d_1 \(Conv2D\)\s+│ \(None, 11, 11, 64\)\s+│\s+18,496 │/);
  assert.match(stdout, /34,826/);
});

test('summary --model dense prints 101,770 parameters', () => {
  const { status, stdout } = run('summary', '--model', 'dense');
  assert.equal(status, 0);
  assert.match(stdout, /Total params: 101,770/);
});

test('summary --details shows formulas, FLOPs and receptive fields 3, 4, 8, 10', () => {
  const { status, stdout } = run('summary', '--details');
  assert.equal(status, 0);
  assert.match(stdout, /3\*3\*1\*32 \+ 32/);
  assert.match(stdout, /1600\*128 \+ 128/);
  const fields = [...stdout.matchAll(/│ (\d+)x\1 \(jump (\d+)\)/g)].map((m) => `${m[1]}/${m[2]}`);
  assert.deepEqual(fields.slice(0, 4), ['3/1', '4/2', '8/2', '10/4']);
  assert.match(stdout, /Forward FLOPs per sample: 5\.29 M/);
});

test('an unknown model kind is refused with the allowed choices', () => {
  const { status, stderr } = run('summary', '--model', 'resnet');
  assert.notEqual(status, 0);
  assert.match(stderr, /resnet/);
  assert.match(stderr, /cnn, dense/);
});

test('a bad --epochs value says what was expected and received', () => {
  const { status, stderr } = run('train', '--epochs', '-3');
  assert.notEqual(status, 0);
  assert.match(stderr, /--epochs expects a positive integer; received '-3'/);
});

test('a missing --data folder is a clear error, not a crash', () => {
  const { status, stderr } = run('train', '--data', '/nonexistent/mnist', '--epochs', '1');
  assert.equal(status, 1);
  assert.match(stderr, /^convkit: .*\/nonexistent\/mnist/);
  assert.doesNotMatch(stderr, /at .*\.js:\d+/); // no stack trace
});

test('train runs end to end on a small slice and reports test accuracy', () => {
  const { status, stdout, stderr } = run('train', '--model', 'dense', '--train-limit', '600', '--test-limit', '200', '--epochs', '2', '--verbose', '2');
  assert.equal(status, 0, stderr);
  assert.match(stdout, /Data: 600 training and 200 test images/);
  assert.match(stdout, /Epoch 2\/2/);
  const accuracy = Number(/Test accuracy ([\d.]+)%/.exec(stdout)?.[1]);
  // 600 MNIST images are enough for a Dense net to beat chance (10%) by far.
  assert.ok(accuracy > 60, `test accuracy ${accuracy}%`);
});

test('an escape sequence in a file name reaches the terminal escaped, never raw', () => {
  const { status, stderr } = run('predict', '--model', '\x1b]0;owned\x07\x1b[2J.safetensors', '--backend', 'reference');
  assert.equal(status, 1);
  assert.match(stderr, /^convkit: Cannot read the model file: .*\\x1b\]0;owned\\x07\\x1b\[2J\.safetensors/);
  assert.doesNotMatch(stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
});
