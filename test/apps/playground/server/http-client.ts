/** Real HTTP requests to a playground started on 127.0.0.1:0, with full control of Host, Origin and the raw path (fetch normalises paths and forbids Host). */
import { request as httpRequest } from 'node:http';
import { startPlayground, type PlaygroundOptions, type PlaygroundServer } from '../../../../src/apps/playground/server/playground-server.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface RequestOptions {
  method?: string;
  /** Raw request target, sent as written. */
  path: string;
  /** Added as ?token= (or &token=) unless false. */
  token?: boolean;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
}

export function call(server: PlaygroundServer, options: RequestOptions): Promise<Answer> {
  const withToken = options.token === false ? options.path : `${options.path}${options.path.includes('?') ? '&' : '?'}token=${server.token}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: options.method ?? 'GET', path: withToken, headers: { host: `127.0.0.1:${server.port}`, ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // A server that refuses a body may close the connection while it is still being written.
    req.on('error', reject);
    if (options.body !== undefined) {
      if (options.chunked) {
        const body = Buffer.from(options.body);
        for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536));
      } else {
        req.setHeader('content-length', Buffer.byteLength(options.body));
        req.write(options.body);
      }
    }
    req.end();
  });
}

export const postJson = (server: PlaygroundServer, path: string, body: unknown) =>
  call(server, { method: 'POST', path, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** Starts a playground for one test and closes it afterwards, whatever happens. */
export async function withPlayground(options: PlaygroundOptions, body: (server: PlaygroundServer) => Promise<void>): Promise<void> {
  const server = await startPlayground({ port: 0, ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}
