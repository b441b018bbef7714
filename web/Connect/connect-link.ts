/**
 * The connect link the kernel service prints at start:
 *   http://localhost:5173/#connect=http://127.0.0.1:2377&token=<64 hex>
 * The address and token ride in the URL fragment, which a browser never sends to a server, so the
 * token reaches no log. The page reads it once, remembers it and replaces the hash.
 */
export interface KernelAddress {
  /** The service's base URL, `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  token: string;
}

/** A service URL as the page accepts it: http(s), a host, no path, query or credentials. */
export function normalizeKernelUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`"${text.trim()}" is not a URL: give the service's address, e.g. http://127.0.0.1:2377`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the kernel service speaks http, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw new Error('put the token in the token field, not in the URL');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new Error('give only the service\'s address (scheme, host and port), no path');
  return url.origin;
}

/** Tokens are sent as a header and a WebSocket subprotocol: keep to characters both allow. */
export function checkToken(text: string): string {
  const token = text.trim();
  if (token === '') throw new Error('the token is missing: copy it from the line "token:" the service printed at start');
  if (!/^[A-Za-z0-9._~-]+$/.test(token)) throw new Error('the token has characters a token cannot have: copy it again from the service\'s start banner');
  return token;
}

/** The address in a `#connect=URL&token=TOKEN` fragment, or null when the hash is something else. */
export function parseConnectFragment(hash: string): KernelAddress | null {
  const body = hash.replace(/^#/, '');
  if (!body.startsWith('connect=')) return null;
  const params = new URLSearchParams(body);
  const url = params.get('connect');
  const token = params.get('token');
  if (!url || !token) return null;
  try {
    return { url: normalizeKernelUrl(url), token: checkToken(token) };
  } catch {
    return null;
  }
}

/** The link for a playground at `playground` (its origin and path) to connect to `address`. */
export function connectLink(playground: string, address: KernelAddress): string {
  const base = playground.replace(/#.*$/, '').replace(/\/?$/, '/');
  return `${base}#connect=${address.url}&token=${encodeURIComponent(address.token)}`;
}
