/**
 * Who may talk to the playground: a request must carry the URL's token (as
 * Jupyter's does), name the server itself in its Host header (a DNS-rebinding
 * page sends its own host name) and, when it has an Origin header, come from
 * the page's own origin (a cross-site form or fetch carries the foreign one).
 * Tests: test/apps/playground/server/request-guard.test.ts (real HTTP).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import { HttpError } from './http-error.js';

/** 24 random bytes, hex: Jupyter's token is as long. */
export function newToken(): string {
  return randomBytes(24).toString('hex');
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopback(host: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(host) || host === 'localhost' || host === '::1' || host === '[::1]';
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** A host as it appears in a Host header: IPv6 in brackets. */
function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The Host header values that name this server: host:port, and every loopback
 * name when bound to loopback. Bound to every interface (0.0.0.0, ::), the
 * names are this machine's addresses and host name: a page on any other name
 * (a rebinding attacker's) is still refused.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const machine = isWildcard(host)
    ? [os.hostname(), ...Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address))]
    : [];
  const names = [host, ...(isLoopback(host) || isWildcard(host) ? LOOPBACK_NAMES : []), ...machine].map(bracketed);
  // Browsers leave the default port out of Host and Origin.
  return new Set(names.flatMap((name) => (port === 80 ? [name, `${name}:80`] : [`${name}:${port}`])).map((name) => name.toLowerCase()));
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Throws a 403 HttpError unless the request carries the token and names this server as host and origin. */
export function checkRequest(req: IncomingMessage, query: URLSearchParams, token: string, hosts: ReadonlySet<string>): void {
  const given = query.get('token');
  if (given === null || !sameToken(given, token)) {
    throw new HttpError(403, given === null ? 'This server needs the token of the URL it printed: add ?token=... to the request.' : 'The token does not match the one this server printed.');
  }
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) {
    throw new HttpError(403, `The Host header must name this server (${[...hosts].join(' or ')}); received ${JSON.stringify(req.headers.host ?? '')}.`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.has(originHost(origin))) {
    throw new HttpError(403, `Requests must come from this server's own page (origin http://${[...hosts][0]}); received origin ${JSON.stringify(origin)}.`);
  }
}

/** host:port of an http: origin, or '' for anything else ('null', https:, garbage). */
function originHost(origin: string): string {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' || url.pathname !== '/' || url.username || url.password) return '';
    return url.host.toLowerCase();
  } catch {
    return '';
  }
}
