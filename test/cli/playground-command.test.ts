/**
 * convkit playground as a user runs it: it prints a URL on 127.0.0.1 with a
 * random token and the real port (for --port 0), serves the page, and on
 * Ctrl-C (SIGINT) stops and exits 0. Another --host prints a warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function send(url: URL, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const get = async (url: URL) => (await send(url)).status;

async function runUntilUrl(args: string[]): Promise<{ url: URL; stop: () => Promise<{ code: number | null; stdout: string; stderr: string }> }> {
  const child = spawn(process.execPath, [cli, 'playground', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stdout ${stdout}; stderr ${stderr}`)), 30_000);
    child.stdout.on('data', () => {
      const match = /http:\/\/\S+/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[0]));
      }
    });
    child.on('exit', () => reject(new Error(`exited before printing a URL: ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGINT');
      return { code: await exited, stdout, stderr };
    },
  };
}

test('convkit playground prints a tokened URL on 127.0.0.1 with the real port, serves the page, and on SIGINT stops its training job and exits 0', async () => {
  const { url, stop } = await runUntilUrl(['--port', '0']);
  assert.equal(url.hostname, '127.0.0.1');
  assert.ok(Number(url.port) > 0);
  assert.match(url.searchParams.get('token') ?? '', /^[0-9a-f]{48}$/);
  assert.equal(await get(url), 200);
  assert.equal(await get(new URL(`${url.origin}/`)), 403);
  const api = (path: string) => new URL(`${url.origin}${path}${url.search}`);
  assert.equal((await send(api('/api/train'), 'POST', JSON.stringify({ models: ['cnn'], epochs: 50, batchSize: 16, trainLimit: 20_000 }))).status, 202);
  while (JSON.parse((await send(api('/api/history'))).text).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  const { code, stdout, stderr } = await stop();
  assert.equal(code, 0, stderr);
  assert.match(stdout, /playground stopped/);
  assert.doesNotMatch(stderr, /warning/);
});

test('a --host other than loopback must be asked for and prints a warning; a bad --port is refused', async () => {
  const { url, stop } = await runUntilUrl(['--host', '0.0.0.0']);
  assert.equal(url.hostname, '0.0.0.0');
  const { code, stderr } = await stop();
  assert.equal(code, 0);
  assert.match(stderr, /warning: binding 0\.0\.0\.0, not loopback/);
  const bad = spawnSync(process.execPath, [cli, 'playground', '--port', '70000'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--port expects an integer from 0 to 65535; received '70000'/);
});
