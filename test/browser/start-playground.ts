/**
 * Runs the real `convkit playground` (the compiled CLI) in a child process on
 * a free loopback port and returns the URL it prints, token included. stop()
 * sends SIGTERM (the command stops its training worker and exits) and waits.
 */
import { spawn } from 'node:child_process';
import { CLI } from '../bounded-child.js';

export interface RunningPlayground {
  /** The URL the command printed, with ?token=. */
  url: string;
  origin: string;
  token: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startPlayground(args: string[] = [], timeoutMs = 60_000): Promise<RunningPlayground> {
  const child = spawn(process.execPath, [CLI, 'playground', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`convkit playground printed no URL within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
    const check = () => {
      const match = /https?:\/\/\S+token=\S+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`convkit playground exited (${code}) before printing its URL; output:\n${out}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
