/**
 * JSON answers and JSON errors. A request the server cannot use is the
 * client's fault (4xx) whenever the library says so with one of its typed
 * errors; anything else is a 500 whose message stays generic, so that no
 * stack or path leaks to the page.
 */
import type { ServerResponse } from 'node:http';
import { ConfigError, DataError, ModelFileError, ShapeError } from '../../../core/errors.js';
import { HttpError } from './http-error.js';

/** Headers every answer carries: never cached (answers carry the token's page), never framed by another site. */
export const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The status a thrown value maps to, and the message the client may see. */
export function errorStatus(error: unknown): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  if (error instanceof ShapeError || error instanceof ConfigError || error instanceof DataError || error instanceof ModelFileError) {
    return { status: 400, message: error.message };
  }
  return { status: 500, message: 'Internal error while answering the request; the server log has the details.' };
}

export function sendError(res: ServerResponse, error: unknown): void {
  const { status, message } = errorStatus(error);
  if (status >= 500) process.stderr.write(`convkit playground: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // After a refused body the rest of the upload is not read: the connection is closed.
  if (status === 413) res.setHeader('connection', 'close');
  sendJson(res, status, { error: message });
}
