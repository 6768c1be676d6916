/**
 * Server-Sent Events to every open page. A new connection first gets the
 * events `initial()` returns (the job's `state`), so a second tab, or a page
 * opened again, sees the running job. Comments every 15 s keep proxies and
 * idle timeouts from closing the stream. The number of open streams is
 * capped: each holds a socket and a place in every broadcast, and a page
 * (or a script) that opens them in a loop must not exhaust the server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMMON_HEADERS } from './json-response.js';
import { HttpError } from './http-error.js';

/** Open event streams at once: far more tabs than one person uses on a local server. */
export const DEFAULT_MAX_STREAMS = 32;

export interface SseEvent {
  event: string;
  data: unknown;
}

export function formatEvent({ event, data }: SseEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000, private readonly maxStreams = DEFAULT_MAX_STREAMS) {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(req: IncomingMessage, res: ServerResponse, initial: SseEvent[]): void {
    for (const open of this.clients) if (open.destroyed || open.writableEnded) this.clients.delete(open);
    if (this.clients.size >= this.maxStreams) {
      throw new HttpError(503, `The playground serves at most ${this.maxStreams} open pages (event streams) at once; ${this.clients.size} are open. Close a tab, then reload this one.`);
    }
    res.writeHead(200, { ...COMMON_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write(initial.map(formatEvent).join('') || ': connected\n\n');
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
    // A page closed between its socket's end and the 'close' event must not take the server down with a write error.
    res.on('error', () => this.clients.delete(res));
  }

  broadcast(event: string, data: unknown): void {
    this.write(formatEvent({ event, data }));
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (res.destroyed || res.writableEnded) this.clients.delete(res);
      else res.write(text);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
