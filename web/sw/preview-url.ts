/**
 * Where a published port opens in the page: `<site>/ports/<hostPort>/<path>`, the one rule the
 * Service Worker, the Preview panel, `docker ps` links and the host shell's curl share.
 */

const SEGMENT = 'ports/';

export interface PreviewTarget {
  hostPort: number;
  /** Path and query as the container sees them, starting with "/". */
  target: string;
}

/** The preview address of `path` on `hostPort`, under the site's base (Vite's BASE_URL). */
export function previewPath(hostPort: number, path = '/', base = '/'): string {
  return `${base}${SEGMENT}${hostPort}${path.startsWith('/') ? path : '/' + path}`;
}

/**
 * The port and target a site path (path and query) names, or null when it is not under
 * `<base>ports/`. `/ports/8080` (no slash) names the port with target "" - the caller redirects to
 * "/ports/8080/" so the container's relative links resolve under it.
 */
export function parsePreviewPath(pathAndQuery: string, base = '/'): PreviewTarget | null {
  if (!pathAndQuery.startsWith(base + SEGMENT)) return null;
  const rest = pathAndQuery.slice(base.length + SEGMENT.length);
  const m = /^(\d{1,5})(?=$|[/?])(.*)$/.exec(rest);
  if (!m) return null;
  const hostPort = Number(m[1]);
  if (hostPort < 1 || hostPort > 65535) return null;
  return { hostPort, target: m[2] };
}

/**
 * What a request of the site is for: a preview address names its port; any other path of the site
 * asked by a preview's own document (a root-relative link, "/style.css") belongs to that document's
 * container, as it would on localhost:PORT. The document is known by the Service Worker's note of
 * it (`documentPort`, lost when the worker restarts) or else by the request's referrer.
 * Null: the site's own request, not the preview's.
 */
export function previewTargetOf(url: URL, origin: string, base: string, documentPort: number | undefined, referrer: string): PreviewTarget | null {
  if (url.origin !== origin) return null;
  const direct = parsePreviewPath(url.pathname + url.search, base);
  if (direct) return direct;
  let port = documentPort;
  if (port === undefined && referrer) {
    try {
      const from = new URL(referrer);
      if (from.origin === origin) port = parsePreviewPath(from.pathname, base)?.hostPort;
    } catch {
      // No usable referrer: the site's own request.
    }
  }
  return port === undefined ? null : { hostPort: port, target: url.pathname + url.search };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]']);

/**
 * A container's Location header as the page must follow it: its own addresses (a path, or
 * http://localhost:PORT/...) stay inside the preview of that port; anything else is left as is -
 * the page then leaves the preview, as a browser on the host would.
 */
export function rewriteLocation(location: string, hostPort: number, base = '/'): string {
  if (location.startsWith('/') && !location.startsWith('//')) return previewPath(hostPort, location, base);
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return location;
  }
  const port = Number(url.port || (url.protocol === 'http:' ? 80 : url.protocol === 'https:' ? 443 : 0));
  if (url.protocol !== 'http:' || !LOCAL_HOSTS.has(url.hostname) || !port) return location;
  return previewPath(port, url.pathname + url.search + url.hash, base);
}

/** `http://localhost:8080/x` (curl's and wget's argument) as a port and target; null for other hosts. */
export function parseLocalUrl(text: string): PreviewTarget | { error: string } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { error: `URL rejected: Malformed input to a URL function` };
  }
  if (url.protocol !== 'http:') return { error: `Protocol "${url.protocol.slice(0, -1)}" not supported` };
  if (!LOCAL_HOSTS.has(url.hostname)) return { error: `Could not resolve host: ${url.hostname} (the playground has no outside network: only http://localhost:PORT/ reaches a published port)` };
  return { hostPort: Number(url.port || 80), target: (url.pathname || '/') + url.search };
}
