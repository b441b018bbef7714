import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { requestToken } from '../../engine/docker-api/ws-protocol.ts';

/** The header the token travels in (set by the docker CLI from `HttpHeaders` in its config.json). */
export const TOKEN_HEADER = 'x-dockyard-token';

export interface GuardOptions {
  /** Set for the TCP listener: requests must carry it. The unix socket (0600) needs none. */
  token?: string;
  /** The TCP port: Host must name it. */
  port?: number;
  /** Browser origins allowed to call (the playground's); any other Origin is refused. */
  allowedOrigins: string[];
}

/** A refusal for an allowed origin carries corsOrigin too, so the browser lets the page read why (and a registry client its challenge). */
export type GuardResult = { ok: true; corsOrigin?: string } | { ok: false; status: 401 | 403; message: string; corsOrigin?: string };

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Compare without leaking where the first difference is (hash both: equal lengths, constant time). */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Checked before any handler runs, on every request and WebSocket/hijack upgrade (HOSTILE 19-21):
 * Host (DNS rebinding), Origin (cross-site requests from any page the user visits), and on TCP
 * the token - from its header (or, on a WebSocket upgrade, a `dockyard.token.*` subprotocol), never
 * from the query string.
 */
export function checkRequest(req: IncomingMessage, o: GuardOptions): GuardResult {
  if (o.port !== undefined) {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!LOOPBACK_HOSTS.some((h) => host === `${h}:${o.port}`)) return { ok: false, status: 403, message: `host ${JSON.stringify(req.headers.host ?? '')} is not allowed: use localhost:${o.port}` };
  }
  const origin = req.headers.origin;
  let corsOrigin: string | undefined;
  if (origin !== undefined) {
    if (!o.allowedOrigins.includes(origin)) return { ok: false, status: 403, message: `origin ${JSON.stringify(origin)} is not allowed` };
    corsOrigin = origin;
  }
  if (o.token !== undefined) {
    // A CORS preflight carries no credentials; it only learns which headers it may send.
    if (req.method === 'OPTIONS' && corsOrigin) return { ok: true, corsOrigin };
    // A browser's WebSocket cannot carry headers: there the token is a `dockyard.token.*` subprotocol.
    // Registry clients (skopeo, crane) cannot add our header: they send the token as HTTP Basic
    // password (`--creds x:TOKEN`, any user name) or as a bearer token.
    const given = requestToken({ [TOKEN_HEADER]: String(req.headers[TOKEN_HEADER] ?? ''), 'sec-websocket-protocol': String(req.headers['sec-websocket-protocol'] ?? '') }) ?? authorizationToken(req.headers.authorization);
    if (typeof given !== 'string' || !tokenMatches(given, o.token)) return { ok: false, status: 401, message: `missing or wrong token: send the token printed at start in the ${TOKEN_HEADER} header`, corsOrigin };
  }
  return { ok: true, corsOrigin };
}

/** The token from `Authorization: Basic base64(user:TOKEN)` or `Authorization: Bearer TOKEN`. */
export function authorizationToken(header: string | undefined): string | undefined {
  const m = /^(basic|bearer)\s+(\S+)$/i.exec((header ?? '').trim());
  if (!m) return undefined;
  if (m[1]!.toLowerCase() === 'bearer') return m[2];
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    Vary: 'Origin',
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    // Authorization: the playground's engine pushes to and pulls from /v2/ with the token as Basic
    // password; Accept: its manifest media types are too long for a CORS-safelisted Accept;
    // X-Registry-Auth: a pull's or push's credentials for its registry, as the docker CLI sends them.
    'Access-Control-Allow-Headers': `Accept, Content-Type, ${TOKEN_HEADER}, X-Registry-Auth, Authorization, Range, Content-Range`,
    'Access-Control-Expose-Headers': 'Api-Version, Docker-Content-Digest, Docker-Upload-UUID, Location, Range, WWW-Authenticate',
  };
}
