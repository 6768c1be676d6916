/**
 * Server-Sent Events to every open page. A new connection first gets the
 * events `initial()` returns (the job's `state`), so a second tab, or a page
 * opened again, sees the running job. Comments every 15 s keep proxies and
 * idle timeouts from closing the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMMON_HEADERS } from './json-response.js';

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

  constructor(heartbeatMs = 15_000) {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(req: IncomingMessage, res: ServerResponse, initial: SseEvent[]): void {
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
