/**
 * An error that already knows its HTTP status: the guard, the body reader and
 * the routes throw it, and json-response.ts turns it into `{ "error": ... }`.
 */
import { ConvkitError } from '../../../core/errors.js';

export class HttpError extends ConvkitError {
  override name = 'HttpError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
