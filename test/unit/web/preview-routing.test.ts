/**
 * Where a published port opens and who opens it: preview addresses, Location kept inside the
 * preview, the headers a proxied answer carries, the ports the Preview lists and the terminal
 * links, the Service Worker asking pages for a connection, and the page explaining a port that ended.
 */
import { describe, expect, it } from 'vitest';
import { parseLocalUrl, parsePreviewPath, previewPath, previewTargetOf, rewriteLocation } from '../../../web/sw/preview-url.ts';
import { pageHeaders } from '../../../web/sw/preview-headers.ts';
import { connectThroughPages, type PageClient } from '../../../web/sw/client-broker.ts';
import { CONNECT_PUBLISHED, type ConnectAnswer } from '../../../web/sw/broker-protocol.ts';
import { endedPublisher, type PreviewEngine } from '../../../web/sw/page-side.ts';
import { portMentions, publishedPorts } from '../../../web/Preview/published-ports.ts';
import type { ContainerInspect, ContainerSummary } from '../../../engine/engine.ts';

describe('preview addresses', () => {
  it('name a port and the target the container is asked for', () => {
    expect(previewPath(8080, '/a?b=1')).toBe('/ports/8080/a?b=1');
    expect(previewPath(8080, 'x', '/play/')).toBe('/play/ports/8080/x');
    expect(parsePreviewPath('/ports/8080/a/b?c=1')).toEqual({ hostPort: 8080, target: '/a/b?c=1' });
    expect(parsePreviewPath('/ports/8080')).toEqual({ hostPort: 8080, target: '' });
    expect(parsePreviewPath('/play/ports/80/', '/play/')).toEqual({ hostPort: 80, target: '/' });
    for (const other of ['/ports/', '/ports/0/', '/ports/65536/', '/ports/80x/', '/portsx/80/', '/web/main.ts', '/play/ports/80/']) expect(parsePreviewPath(other)).toBeNull();
  });

  it('send a preview document’s root-relative requests to its container, and nothing else of the site', () => {
    const site = 'http://x:1';
    const of = (url: string, port: number | undefined, referrer = '') => previewTargetOf(new URL(url, site), site, '/', port, referrer);
    expect(of('/ports/8080/a.css', undefined)).toEqual({ hostPort: 8080, target: '/a.css' });
    expect(of('/style.css?v=2', 8080)).toEqual({ hostPort: 8080, target: '/style.css?v=2' });
    expect(of('/style.css', undefined, `${site}/ports/9000/index.html`)).toEqual({ hostPort: 9000, target: '/style.css' });
    // The playground's own requests, and other origins, are not the preview's.
    expect(of('/web/main.ts', undefined, `${site}/`)).toBeNull();
    expect(of('/registry/box/index.json', undefined, '')).toBeNull();
    expect(of('/style.css', undefined, 'http://elsewhere/ports/9000/')).toBeNull();
    expect(previewTargetOf(new URL('http://elsewhere/ports/80/'), site, '/', 8080, '')).toBeNull();
  });

  it('keep a container’s own redirects inside its preview and leave others alone', () => {
    expect(rewriteLocation('/dir/', 8080)).toBe('/ports/8080/dir/');
    expect(rewriteLocation('http://localhost:8080/x?y#z', 8080)).toBe('/ports/8080/x?y#z');
    expect(rewriteLocation('http://127.0.0.1:9000/', 8080)).toBe('/ports/9000/');
    expect(rewriteLocation('http://localhost/', 8080)).toBe('/ports/80/');
    expect(rewriteLocation('https://example.com/', 8080)).toBe('https://example.com/');
    expect(rewriteLocation('//example.com/', 8080)).toBe('//example.com/');
    expect(rewriteLocation('page2.html', 8080)).toBe('page2.html');
  });

  it('read curl’s URLs: localhost only, http only', () => {
    expect(parseLocalUrl('http://localhost:8080/a?b')).toEqual({ hostPort: 8080, target: '/a?b' });
    expect(parseLocalUrl('127.0.0.1:3000')).toEqual({ hostPort: 3000, target: '/' });
    expect(parseLocalUrl('localhost')).toEqual({ hostPort: 80, target: '/' });
    expect(parseLocalUrl('http://example.com/')).toEqual({ error: expect.stringMatching(/^Could not resolve host: example.com/) });
    expect(parseLocalUrl('ftp://localhost/')).toEqual({ error: 'Protocol "ftp" not supported' });
  });
});

describe('the headers of a proxied answer', () => {
  const sent: [string, string][] = [
    ['content-type', 'text/html'],
    ['content-length', '5'],
    ['connection', 'close'],
    ['transfer-encoding', 'chunked'],
    ['cross-origin-embedder-policy', 'unsafe-none'],
    ['location', '/next'],
  ];

  it('keep the page isolated whatever the container said, and drop its connection’s framing', () => {
    const h = pageHeaders(sent, { hostPort: 8080, base: '/', framedByLength: true, raw: false });
    expect(h.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(h.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
    // Nothing the guest's page asks for leaves the site.
    expect(h.get('content-security-policy')).toBe("default-src 'self' data: blob: 'unsafe-inline' 'unsafe-eval'; form-action 'self'");
    expect([h.get('connection'), h.get('transfer-encoding')]).toEqual([null, null]);
    expect([h.get('content-length'), h.get('location')]).toEqual(['5', '/ports/8080/next']);
    expect(pageHeaders(sent, { hostPort: 8080, base: '/', framedByLength: false, raw: false }).get('content-length')).toBeNull();
  });

  it('are the container’s own for curl (raw)', () => {
    const h = pageHeaders(sent, { hostPort: 8080, base: '/', framedByLength: true, raw: true });
    expect(h.get('cross-origin-embedder-policy')).toBe('unsafe-none');
    expect(h.get('location')).toBe('/next');
    expect(h.get('content-security-policy')).toBeNull();
  });
});

const summary = (name: string, state: ContainerSummary['State'], ports: ContainerSummary['Ports'], status = 'Up 1 second'): ContainerSummary =>
  ({ Id: `${name}-id`.padEnd(64, '0'), Names: [`/${name}`], State: state, Status: status, Ports: ports }) as ContainerSummary;

describe('the Preview’s ports and the terminal’s links', () => {
  it('lists each TCP port running containers publish, once, by port', () => {
    const list = publishedPorts([
      summary('web', 'running', [
        { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
        { PrivatePort: 443, Type: 'tcp' },
      ]),
      summary('api', 'running', [{ IP: '127.0.0.1', PrivatePort: 3000, PublicPort: 3000, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 53, PublicPort: 5353, Type: 'udp' }]),
      summary('old', 'exited', [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 9000, Type: 'tcp' }]),
    ]);
    expect(list).toEqual([
      { hostPort: 3000, containerPort: 3000, container: 'api' },
      { hostPort: 8080, containerPort: 80, container: 'web' },
    ]);
  });

  it('finds ports in docker ps, docker port and URLs, not in other numbers', () => {
    const ps = 'abc   box   "httpd"   Up 2 seconds   0.0.0.0:8080->80/tcp, :::8080->80/tcp   web';
    expect(portMentions(ps).map((m) => [m.hostPort, ps.slice(m.start, m.end)])).toEqual([
      [8080, '0.0.0.0:8080->80/tcp'],
      [8080, ':::8080->80/tcp'],
    ]);
    expect(portMentions('80/tcp -> 127.0.0.1:3000').map((m) => m.hostPort)).toEqual([3000]);
    expect(portMentions('open http://localhost:8080/index.html now')).toEqual([{ hostPort: 8080, start: 5, end: 37 }]);
    expect(portMentions('0.0.0.0:5353->53/udp 10.0.0.1:80 Exited (0) 12:30')).toEqual([]);
  });
});

/** A page of the playground that answers the Service Worker as `answer` says (or never). */
function page(url: string, answer: (() => ConnectAnswer) | null, extra: Partial<PageClient> = {}) {
  const asked: number[] = [];
  const client: PageClient = {
    url,
    ...extra,
    postMessage(message, transfer) {
      const m = message as { type: string; hostPort: number };
      expect(m.type).toBe(CONNECT_PUBLISHED);
      asked.push(m.hostPort);
      const reply = transfer[0] as MessagePort;
      if (!answer) return;
      const a = answer();
      reply.postMessage(a, a.ok ? [a.port] : []);
    },
  };
  return { client, asked };
}

describe('the Service Worker asking pages for a connection', () => {
  it('takes the first page that connects, asking the focused one first and previews never', async () => {
    const { port2 } = new MessageChannel();
    const hidden = page('http://x/#/containers', () => ({ ok: false, code: 'not-found', message: 'nothing is published on port 8080' }));
    const focused = page('http://x/', () => ({ ok: true, port: port2 }), { focused: true, visibilityState: 'visible' });
    const preview = page('http://x/ports/8080/', () => ({ ok: false, code: 'x', message: '' }));
    const got = await connectThroughPages([preview.client, hidden.client, focused.client], 8080, '/');
    expect(got).toBeInstanceOf(MessagePort);
    expect([focused.asked, hidden.asked, preview.asked]).toEqual([[8080], [], []]);
    (got as MessagePort).close();
  });

  it('says why none could: nothing listening, a container that ended, nothing published, no playground', async () => {
    const refused = page('http://x/', () => ({ ok: false, code: 'unavailable', message: 'connection refused: nothing listens on 172.17.0.2:80' }));
    const ended = page('http://x/', () => ({ ok: false, code: 'not-found', message: '', ended: { name: 'web', status: 'Exited (137) 1 minute ago' } }));
    const none = page('http://x/', () => ({ ok: false, code: 'not-found', message: '' }));
    const silent = page('http://x/', null);
    expect(await connectThroughPages([none.client, refused.client, ended.client], 80, '/')).toEqual({ kind: 'refused', hostPort: 80, message: 'connection refused: nothing listens on 172.17.0.2:80' });
    expect(await connectThroughPages([none.client, ended.client], 80, '/')).toEqual({ kind: 'ended', hostPort: 80, ended: { name: 'web', status: 'Exited (137) 1 minute ago' } });
    expect(await connectThroughPages([silent.client, none.client], 80, '/', 200)).toEqual({ kind: 'not-published', hostPort: 80 });
    expect(await connectThroughPages([page('http://x/ports/80/', null).client], 80, '/')).toEqual({ kind: 'no-playground', hostPort: 80 });
  });
});

describe('the page explaining a port nobody publishes now', () => {
  const engine = (containers: ContainerSummary[], bindings: Record<string, string>): PreviewEngine => ({
    listContainers: async () => containers,
    inspectContainer: async (id: string) => ({ HostConfig: { PortBindings: bindings[id] ? { '80/tcp': [{ HostIp: '', HostPort: bindings[id] }] } : {} } }) as unknown as ContainerInspect,
  });

  it('names the newest container that published it: stopped, or left running by a reloaded page', async () => {
    const stopped = summary('web', 'exited', [], 'Exited (137) 2 minutes ago');
    const other = summary('db', 'exited', [], 'Exited (0) 1 minute ago');
    expect(await endedPublisher(engine([other, stopped], { [stopped.Id]: '8080', [other.Id]: '5432' }), 8080)).toEqual({ name: 'web', status: 'Exited (137) 2 minutes ago' });
    const stale = summary('gone', 'running', []);
    expect(await endedPublisher(engine([stale], { [stale.Id]: '8080' }), 8080)).toEqual({ name: 'gone', status: 'the page that ran it was reloaded or closed' });
    expect(await endedPublisher(engine([other], { [other.Id]: '5432' }), 8080)).toBeUndefined();
  });
});
