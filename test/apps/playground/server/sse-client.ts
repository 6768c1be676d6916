/** Reads the playground's Server-Sent Events over real HTTP, event by event. */
import { request as httpRequest, type ClientRequest } from 'node:http';
import type { PlaygroundServer } from '../../../../src/apps/playground/server/playground-server.js';

export interface Event {
  event: string;
  data: any;
}

export class EventReader {
  readonly events: Event[] = [];
  private buffer = '';
  private waiters: Array<() => void> = [];
  private readonly req: ClientRequest;

  constructor(server: PlaygroundServer) {
    this.req = httpRequest({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { host: `127.0.0.1:${server.port}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        this.buffer += text;
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) this.events.push({ event, data: JSON.parse(data) });
        }
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    this.req.on('error', () => {});
    this.req.end();
  }

  /** The first event (from the start of the stream) that `match` accepts; rejects after `ms`. */
  async next(match: (e: Event) => boolean, ms = 60_000): Promise<Event> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event in ${ms} ms; received ${this.events.map((e) => e.event).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.req.destroy();
  }
}
