/**
 * The host shell's curl and wget (web/Terminal/http-commands.ts) over a fake of the preview path:
 * what they send, what they print (curl's and BusyBox wget's words and exit codes), files they
 * read and write in the workspace.
 */
import { describe, expect, it } from 'vitest';
import type { PortFetch, PortFetchRequest } from '../../../web/sw/preview-fetch.ts';
import { MemoryFiles, testShell } from './shell-fakes.ts';

const enc = new TextEncoder();

function body(text: string): ReadableStream<Uint8Array> {
  return new Response(text).body!;
}

/** Port 8080: an httpd with /, /missing (404), /moved (301), POST /echo; 8081 times out; 8082 resets midway. */
function fakePorts() {
  const seen: (PortFetchRequest & { hostPort: number })[] = [];
  const fetchPort: PortFetch = async (hostPort, request) => {
    seen.push({ hostPort, ...request });
    if (hostPort === 8081) return { kind: 'timeout', message: '' };
    if (hostPort === 8082) {
      let pulls = 0;
      const broken = new ReadableStream<Uint8Array>({
        pull(c) {
          if (pulls++ === 0) c.enqueue(enc.encode('partial'));
          else c.error(new Error('connection reset'));
        },
      });
      return { status: 200, statusText: 'OK', headers: [], body: broken };
    }
    if (hostPort !== 8080) return { kind: 'not-published', message: '' };
    if (request.target === '/missing') return { status: 404, statusText: 'Not Found', headers: [['content-type', 'text/html']], body: body('<h1>404</h1>\n') };
    if (request.target === '/moved') return { status: 301, statusText: 'Moved Permanently', headers: [['location', '/dir/']], body: body('') };
    if (request.target === '/echo') return { status: 200, statusText: 'OK', headers: [], body: request.body ? new Response(request.body as BodyInit).body : null };
    return { status: 200, statusText: 'OK', headers: [['content-length', '6'], ['content-type', 'text/html']], body: request.method === 'HEAD' ? null : body('hello\n') };
  };
  return { seen, fetchPort };
}

describe('curl in the host shell', () => {
  it('prints the body; -i the status line and headers first; -I only those', async () => {
    const { fetchPort, seen } = fakePorts();
    const { run } = testShell(new MemoryFiles(), { fetchPort });
    expect(await run('curl http://localhost:8080/')).toEqual({ out: 'hello\n', err: '', status: 0 });
    expect(seen[0]).toMatchObject({ hostPort: 8080, method: 'GET', target: '/', body: null });
    expect((await run('curl -i localhost:8080')).out).toBe('HTTP/1.1 200 OK\r\ncontent-length: 6\r\ncontent-type: text/html\r\n\r\nhello\n');
    expect((await run('curl -I http://127.0.0.1:8080/')).out).toBe('HTTP/1.1 200 OK\r\ncontent-length: 6\r\ncontent-type: text/html\r\n\r\n');
    expect(seen[2].method).toBe('HEAD');
  });

  it('passes a 404 or a 301 on as curl does (exit 0), and -f fails with 22', async () => {
    const { fetchPort } = fakePorts();
    const { run } = testShell(new MemoryFiles(), { fetchPort });
    expect(await run('curl http://localhost:8080/missing')).toEqual({ out: '<h1>404</h1>\n', err: '', status: 0 });
    expect((await run('curl -si http://localhost:8080/moved')).out).toBe('HTTP/1.1 301 Moved Permanently\r\nlocation: /dir/\r\n\r\n');
    expect(await run('curl -f http://localhost:8080/missing')).toEqual({ out: '', err: 'curl: (22) The requested URL returned error: 404\n', status: 22 });
  });

  it('-d posts form data (from a file with @), -X and -H as given', async () => {
    const { fetchPort, seen } = fakePorts();
    const { run } = testShell(new MemoryFiles({ 'examples/data.txt': 'a=1\nb=2\n' }), { fetchPort });
    expect((await run('curl -d name=box -d x=1 http://localhost:8080/echo')).out).toBe('name=box&x=1');
    expect(seen[0].method).toBe('POST');
    expect(seen[0].headers).toContainEqual(['Content-Type', 'application/x-www-form-urlencoded']);
    expect((await run('curl -X PUT -H "Content-Type: text/plain" -d @data.txt localhost:8080/echo')).out).toBe('a=1b=2');
    expect(seen[1].method).toBe('PUT');
    expect(seen[1].headers).toContainEqual(['Content-Type', 'text/plain']);
    expect(seen[1].headers.filter(([n]) => n.toLowerCase() === 'content-type')).toHaveLength(1);
  });

  it('says what went wrong in curl’s words and exit codes; -s keeps quiet, -sS does not', async () => {
    const { fetchPort } = fakePorts();
    const { run } = testShell(new MemoryFiles(), { fetchPort });
    expect(await run('curl http://localhost:9999/')).toEqual({ out: '', err: "curl: (7) Failed to connect to localhost port 9999 after 0 ms: Couldn't connect to server\n", status: 7 });
    expect(await run('curl -s http://localhost:9999/')).toEqual({ out: '', err: '', status: 7 });
    expect((await run('curl -sS http://localhost:8081/')).err).toBe('curl: (28) Operation timed out after 30000 milliseconds with 0 bytes received\n');
    expect(await run('curl http://localhost:8082/')).toEqual({ out: 'partial', err: 'curl: (56) Recv failure: Connection reset by peer\n', status: 56 });
    expect((await run('curl http://example.com/')).err).toMatch(/^curl: \(6\) Could not resolve host: example.com/);
    expect((await run('curl https://localhost:8080/')).status).toBe(1);
    expect(await run('curl')).toEqual({ out: '', err: "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n", status: 2 });
    expect((await run('curl -z http://localhost:8080/')).err).toBe("curl: option -z: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    expect((await run('curl -X')).err).toMatch(/^curl: option -X: requires parameter/);
  });

  it('writes into a file with > like any command', async () => {
    const { fetchPort } = fakePorts();
    const files = new MemoryFiles({ 'examples/keep': '' });
    const { run } = testShell(files, { fetchPort });
    expect((await run('curl -s localhost:8080 > page.html')).status).toBe(0);
    expect(files.text('examples/page.html')).toBe('hello\n');
  });
});

describe('wget in the host shell', () => {
  it('-qO- prints the body; -O FILE and no -O save into the workspace with BusyBox’s lines', async () => {
    const { fetchPort } = fakePorts();
    const files = new MemoryFiles({ 'examples/keep': '' });
    const { run } = testShell(files, { fetchPort });
    expect(await run('wget -qO- http://localhost:8080/')).toEqual({ out: 'hello\n', err: '', status: 0 });
    expect(await run('wget -q -O - http://localhost:8080/')).toEqual({ out: 'hello\n', err: '', status: 0 });
    expect(await run('wget http://localhost:8080/')).toEqual({ out: '', err: "Connecting to localhost:8080 (127.0.0.1:8080)\nsaving to 'index.html'\n'index.html' saved\n", status: 0 });
    expect(files.text('examples/index.html')).toBe('hello\n');
    expect((await run('wget -O got.txt http://localhost:8080/echo')).status).toBe(0);
    expect(files.stat('examples/got.txt')?.kind).toBe('file');
  });

  it('fails with BusyBox’s words', async () => {
    const { fetchPort } = fakePorts();
    const { run } = testShell(new MemoryFiles(), { fetchPort });
    expect(await run('wget -qO- http://localhost:8080/missing')).toEqual({ out: '', err: 'wget: server returned error: HTTP/1.1 404 Not Found\n', status: 1 });
    expect(await run('wget -qO- http://localhost:9999/')).toEqual({ out: '', err: "wget: can't connect to remote host (127.0.0.1): Connection refused\n", status: 1 });
    expect(await run('wget -qO- http://localhost:8081/')).toEqual({ out: '', err: 'wget: download timed out\n', status: 1 });
    expect(await run('wget -qO- http://example.com/')).toEqual({ out: '', err: "wget: bad address 'example.com'\n", status: 1 });
    expect((await run('wget')).status).toBe(1);
  });
});
