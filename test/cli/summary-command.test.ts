/** `convkit summary --details` lists the execution plan of the backend that would train the model. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadNativeBackend } from '../../src/backend/native/index.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function run(...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout };
}

test('summary --details --backend reference: the blocks, and why they do not fuse there', () => {
  const { status, stdout } = run('summary', '--details', '--backend', 'reference');
  assert.equal(status, 0);
  assert.match(stdout, /Execution plan on reference/);
  assert.match(stdout, /1\. conv2d \+ max_pooling2d: block conv-relu-maxpool: not fused: backend 'reference' has no fused conv \+ relu \+ max-pool kernels/);
  assert.match(stdout, /3\. flatten\n/);
  assert.match(stdout, /fused softmax-cross-entropy/);
});

const native = loadNativeBackend();
test('summary --details on native: both blocks fused', { skip: 'error' in native ? native.error : false }, () => {
  const { status, stdout } = run('summary', '--details', '--backend', 'native');
  assert.equal(status, 0);
  assert.match(stdout, /1\. conv2d \+ max_pooling2d: fused conv-relu-maxpool: forward conv2dReluMaxPool/);
  assert.match(stdout, /2\. conv2d_1 \+ max_pooling2d_1: fused conv-relu-maxpool/);
});

test('summary without --details prints no plan', () => {
  const { status, stdout } = run('summary');
  assert.equal(status, 0);
  assert.doesNotMatch(stdout, /Execution plan/);
});
