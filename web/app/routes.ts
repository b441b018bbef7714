/**
 * Deep links: the hash names the view and, for some views, the thing it shows.
 *   #/workspace[/path/in/workspace]   #/images[/box:latest]   #/containers[/<id or name>]
 *   #/volumes[/<name>]                #/storage            #/parity
 *   #/preview[/<host port>]
 * Everything after the view's segment belongs to the subject, so references with "/" or "@"
 * (team/app:v2, box@sha256:...) survive unescaped.
 */
export type ViewName = 'workspace' | 'images' | 'containers' | 'volumes' | 'storage' | 'parity' | 'preview';

export const VIEWS: ReadonlyArray<{ name: ViewName; label: string }> = [
  { name: 'workspace', label: 'Workspace' },
  { name: 'images', label: 'Images' },
  { name: 'containers', label: 'Containers' },
  { name: 'volumes', label: 'Volumes' },
  { name: 'storage', label: 'Storage' },
  // Side by side with a kernel service (web/Parity, issue 8).
  { name: 'parity', label: 'Side by side' },
  // A published port opened in the page (web/Preview, web/sw/, issue 16).
  { name: 'preview', label: 'Preview' },
];

export interface Route {
  view: ViewName;
  /** The image reference, container ID/name, volume name or workspace path the view opens. */
  subject?: string;
}

export const DEFAULT_ROUTE: Route = { view: 'workspace' };

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  if (body === '') return DEFAULT_ROUTE;
  const slash = body.indexOf('/');
  const head = slash === -1 ? body : body.slice(0, slash);
  const rest = slash === -1 ? '' : body.slice(slash + 1);
  const view = VIEWS.find((v) => v.name === head)?.name;
  if (!view) return DEFAULT_ROUTE;
  let subject: string | undefined;
  try {
    subject = rest ? decodeURIComponent(rest) : undefined;
  } catch {
    subject = rest || undefined; // a malformed escape: keep the text as typed
  }
  return subject ? { view, subject } : { view };
}

export function formatHash(route: Route): string {
  if (!route.subject) return `#/${route.view}`;
  // Keep the characters of references readable; escape only what would break the hash.
  const subject = encodeURIComponent(route.subject).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%40/gi, '@');
  return `#/${route.view}/${subject}`;
}
