/**
 * The browser's attach path (a browser cannot hijack a connection): a WebSocket on
 * `GET /containers/{id}/attach/ws?stdin=&stdout=&stderr=&logs=` and, our extension for exec,
 * `GET /exec/{id}/start/ws?stdin=&stdout=&stderr=`.
 *
 * Messages, server -> client:
 * - text `{"type":"attached",...}` once the attachment is in place (output from then on is delivered;
 *   a client resolves its attach call on it), or text `{"type":"error","status":404,"message":...}`
 *   followed by the close;
 * - binary: exactly one multiplexed frame (frames.ts) per message - always framed, Tty or not, so
 *   the client keeps stdout and stderr apart; the output of one run in the order written.
 * - close (1000) after the process ended and its last output was sent.
 * Client -> server: binary = stdin bytes; text `{"type":"close-stdin"}` = stdin EOF (WebSocket has no
 * half-close); closing the socket = detach.
 *
 * Tokens: a browser cannot set headers on a WebSocket, and a token in the URL would reach logs, so
 * the client offers two subprotocols, ATTACH_WS_PROTOCOL and `dockyard.token.<token>`; the server
 * selects ATTACH_WS_PROTOCOL. `requestToken` reads the token from either place for the kernel's check.
 */

/** The header carrying the kernel service's token on plain requests (docker: config.json HttpHeaders). */
export const TOKEN_HEADER = 'X-Dockyard-Token';
export const ATTACH_WS_PROTOCOL = 'dockyard.attach.v1';
export const TOKEN_PROTOCOL_PREFIX = 'dockyard.token.';

export type ServerControl =
  | { type: 'attached'; Id: string; Name?: string; Tty: boolean }
  | { type: 'error'; status: number; message: string };

export type ClientControl = { type: 'close-stdin' };

/** The token of a request: the header, else a `dockyard.token.*` WebSocket subprotocol. Never the query. */
export function requestToken(headers: Record<string, string>): string | undefined {
  const header = headers[TOKEN_HEADER.toLowerCase()];
  if (header) return header;
  const offered = (headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const protocol = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  return protocol ? protocol.slice(TOKEN_PROTOCOL_PREFIX.length) : undefined;
}

export function parseServerControl(text: string): ServerControl {
  const v = JSON.parse(text) as { type?: unknown };
  if (v.type !== 'attached' && v.type !== 'error') throw new Error(`unknown attach message ${JSON.stringify(v.type)}`);
  return v as ServerControl;
}
