/**
 * Reads a request body into memory, refusing more than `maxBytes` with a 413
 * before it is buffered: a declared Content-Length over the cap is refused
 * without reading, and a chunked body is counted as it arrives.
 */
import type { IncomingMessage } from 'node:http';
import { jsonDepth } from '../../../core/json-depth.js';
import { HttpError } from './http-error.js';

/** No request of the API nests deeper than 2; JSON.parse recurses per level (src/core/json-depth.ts). */
const MAX_REQUEST_DEPTH = 8;

function tooLarge(maxBytes: number, received: string): HttpError {
  return new HttpError(413, `The request body may hold at most ${maxBytes} bytes; received ${received}.`);
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return Promise.reject(tooLarge(maxBytes, `a Content-Length of ${declared}`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        done = true;
        chunks.length = 0;
        req.off('data', onData);
        // Keep the socket readable (discarding) so that the 413 can be written; the reply closes it.
        req.resume();
        reject(tooLarge(maxBytes, `more than ${maxBytes}`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, total));
    });
    req.on('error', (error) => {
      if (!done) reject(error);
      done = true;
    });
  });
}

/** The body parsed as a JSON object; anything else is a 400 saying what was received. */
export async function readJsonObject(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const text = (await readBody(req, maxBytes)).toString('utf8');
  if (jsonDepth(text, MAX_REQUEST_DEPTH) > MAX_REQUEST_DEPTH) throw new HttpError(400, `The request body may nest JSON at most ${MAX_REQUEST_DEPTH} levels deep; received deeper.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `The request body must be JSON; it could not be parsed (${(error as Error).message}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, `The request body must be a JSON object; received ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`);
  }
  return value as Record<string, unknown>;
}
