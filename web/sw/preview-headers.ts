/**
 * The headers a proxied answer gets, so the playground stays cross-origin isolated: a preview in an
 * iframe of the page must itself be COEP require-corp (or Chromium blocks it), a preview opened in
 * its own tab is isolated the same way, and CORP lets the page embed it.
 */
import { rewriteLocation } from './preview-url.ts';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/**
 * A page a container serves loads and connects only within the site (its own port's preview, which
 * the Service Worker answers): the playground has no outside network, and what a guest's page asks
 * for must not reach it either. Added beside any policy of the container's own (both apply).
 */
export const PREVIEW_CSP = "default-src 'self' data: blob: 'unsafe-inline' 'unsafe-eval'; form-action 'self'";

/**
 * The host shell's curl sends RAW_HEADER: it gets the container's headers as sent, and its status
 * line in STATUS_HEADER under a 200 (a fetch() would follow a 3xx and hide it).
 */
export const RAW_HEADER = 'x-dockyard-raw';
export const STATUS_HEADER = 'x-dockyard-status';
/** On the Service Worker's own pages: which failure (preview-pages.ts), so curl prints curl's error. */
export const ERROR_HEADER = 'x-dockyard-preview-error';

/** Framing of the container's connection, not of the answer the page gets. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
const OURS = new Set(Object.keys(ISOLATION_HEADERS).map((n) => n.toLowerCase()));

/**
 * The answer's headers for the page: the container's (without hop-by-hop ones; Content-Length only
 * when it framed the body), Location kept inside the preview, the isolation headers over whatever
 * the container said about isolation, and PREVIEW_CSP. `raw` (the host shell's curl) keeps the container's
 * headers as sent and adds nothing.
 */
export function pageHeaders(headers: [string, string][], options: { hostPort: number; base: string; framedByLength: boolean; raw: boolean }): Headers {
  const out = new Headers();
  for (const [name, value] of headers) {
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'content-length' && !options.framedByLength) continue;
    if (options.raw) {
      out.append(name, value);
      continue;
    }
    if (OURS.has(name)) continue;
    out.append(name, name === 'location' ? rewriteLocation(value, options.hostPort, options.base) : value);
  }
  if (!options.raw) {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) out.set(name, value);
    out.append('Content-Security-Policy', PREVIEW_CSP);
  }
  return out;
}
