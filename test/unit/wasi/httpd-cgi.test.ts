/**
 * httpd's CGI (images/box/httpd.c): scripts under /cgi-bin/ run through dockyard.spawn as
 * `/bin/box timeout SECS SCRIPT`, with the CGI environment, the body on stdin, their output the
 * answer. The server is container `web` on the in-memory network, this test the client `peer`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEER, WEB, runGuest } from './socket-harness.ts';
import { serveAll } from './http-peer.ts';

const BOX_PATH = new URL('../../../images/box/box.wasm', import.meta.url);
const BOX = new WebAssembly.Module(readFileSync(BOX_PATH));
let root: string;

const scripts: Record<string, string> = {
  'www/cgi-bin/env': '#!/bin/sh\necho "Content-Type: text/plain"\necho\nenv | grep -E "^(REQUEST_|QUERY|CONTENT_|SERVER_|REMOTE_|SCRIPT_|PATH_INFO|HTTP_|GATEWAY|DOCUMENT)" | sort\npwd\n',
  'www/cgi-bin/echo': '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\necho "body:"\ncat\n',
  'www/cgi-bin/missing': '#!/bin/sh\necho "Status: 404 No Such Thing"\necho "Content-Type: text/html"\necho "X-Made-By: sh"\necho\necho "<p>gone</p>"\n',
  'www/cgi-bin/moved': '#!/bin/sh\necho "Location: /elsewhere"\necho\n',
  'www/cgi-bin/bare': '#!/bin/sh\necho "no header here"\n',
  'www/cgi-bin/spin': '#!/bin/sh\necho "Content-Type: text/plain"\necho\nwhile :; do :; done\n',
  'www/cgi-bin/nap': '#!/bin/sh\necho "Content-Type: text/plain"\necho\nsleep 600\n',
  'site/cgi-bin/index.cgi': '#!/bin/sh\necho "Content-Type: text/html"\necho\necho "<p>index of $REQUEST_URI, served by $(hostname)</p>"\n',
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'httpd-cgi-'));
  for (const d of ['bin', 'tmp', 'etc', 'www/cgi-bin', 'site/cgi-bin']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(BOX_PATH, join(root, 'bin/box'));
  writeFileSync(join(root, 'etc/hostname'), 'web\n');
  for (const [path, text] of Object.entries(scripts)) writeFileSync(join(root, path), text);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function serve(requests: string[], dir = '/www', extra: string[] = []) {
  const { answers, run } = serveAll(requests, (net, signals) => runGuest(net, { module: BOX, root, args: ['httpd', '-f', '-p', '80', '-h', dir, ...extra], signals }));
  return { answers, ...run };
}

const bodyOf = (answer: string) => answer.slice(answer.indexOf('\r\n\r\n') + 4);
const statusOf = (answer: string) => answer.split('\r\n')[0];

describe('httpd CGI', () => {
  it('gives a script the CGI environment, its directory as cwd, and answers with its output', () => {
    const r = serve(['GET /cgi-bin/env/extra/path?a=1&b=two HTTP/1.1\r\nHost: web:8080\r\nUser-Agent: test-agent\r\nX-Custom-Thing: yes\r\n\r\n']);
    expect(statusOf(r.answers[0])).toBe('HTTP/1.1 200 OK');
    expect(r.answers[0]).toContain('\r\nContent-Type: text/plain\r\n');
    const body = bodyOf(r.answers[0]);
    expect(r.answers[0]).toContain(`\r\nContent-Length: ${body.length}\r\n`);
    expect(body.split('\n')).toEqual([
      'DOCUMENT_ROOT=/www',
      'GATEWAY_INTERFACE=CGI/1.1',
      'HTTP_HOST=web:8080',
      'HTTP_USER_AGENT=test-agent',
      'HTTP_X_CUSTOM_THING=yes',
      'PATH_INFO=/extra/path',
      'QUERY_STRING=a=1&b=two',
      `REMOTE_ADDR=${PEER.address}`,
      expect.stringMatching(/^REMOTE_PORT=\d+$/),
      'REQUEST_METHOD=GET',
      'REQUEST_URI=/cgi-bin/env/extra/path?a=1&b=two',
      'SCRIPT_FILENAME=/www/cgi-bin/env',
      'SCRIPT_NAME=/cgi-bin/env',
      `SERVER_ADDR=${WEB.address}`,
      'SERVER_NAME=web',
      'SERVER_PORT=80',
      'SERVER_PROTOCOL=HTTP/1.1',
      'SERVER_SOFTWARE=box httpd',
      '/www/cgi-bin',
      '',
    ]);
    expect(r.stdout).toBe(`${PEER.address} "GET /cgi-bin/env/extra/path?a=1&b=two HTTP/1.1" 200 ${body.length}\n`);
    expect(r.status).toBe(0);
  });

  it('hands a POST body to the script on stdin, with CONTENT_LENGTH and CONTENT_TYPE', () => {
    const payload = 'name=box&lang=c\nsecond line';
    const r = serve([`POST /cgi-bin/echo HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${payload.length}\r\n\r\n${payload}`, 'POST /cgi-bin/env HTTP/1.0\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi']);
    expect(bodyOf(r.answers[0])).toBe(`body:\n${payload}`);
    expect(bodyOf(r.answers[1])).toContain('CONTENT_LENGTH=2\nCONTENT_TYPE=text/plain\n');
    expect(bodyOf(r.answers[1])).toContain('REQUEST_METHOD=POST\n');
  });

  it("answers with the script's Status, Location and headers; a script without headers is a 502", () => {
    const r = serve(['GET /cgi-bin/missing HTTP/1.0\r\n\r\n', 'GET /cgi-bin/moved HTTP/1.0\r\n\r\n', 'GET /cgi-bin/bare HTTP/1.0\r\n\r\n', 'GET /cgi-bin/none HTTP/1.0\r\n\r\n', 'HEAD /cgi-bin/missing HTTP/1.0\r\n\r\n']);
    expect(r.answers[0]).toBe('HTTP/1.1 404 No Such Thing\r\nContent-Type: text/html\r\nX-Made-By: sh\r\nContent-Length: 12\r\nConnection: close\r\n\r\n<p>gone</p>\n');
    expect(r.answers[1]).toBe('HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(statusOf(r.answers[2])).toBe('HTTP/1.1 502 Bad Gateway');
    expect(r.stderr).toContain('httpd: /cgi-bin/bare: bad header from the script\n');
    expect(statusOf(r.answers[3])).toBe('HTTP/1.1 404 Not Found');
    expect(r.answers[4]).toBe('HTTP/1.1 404 No Such Thing\r\nContent-Type: text/html\r\nX-Made-By: sh\r\nContent-Length: 12\r\nConnection: close\r\n\r\n');
  });

  it('runs cgi-bin/index.cgi for a directory without index.html, as busybox httpd', () => {
    const r = serve(['GET / HTTP/1.0\r\n\r\n'], '/site');
    expect(bodyOf(r.answers[0])).toBe('<p>index of /, served by web</p>\n');
  });

  it('ends a script that runs past -t with 504, and goes on serving', () => {
    const r = serve(['GET /cgi-bin/spin HTTP/1.0\r\n\r\n', 'GET /cgi-bin/nap HTTP/1.0\r\n\r\n', 'GET /cgi-bin/echo HTTP/1.0\r\n\r\n'], '/www', ['-t', '1']);
    expect(r.answers.map(statusOf)).toEqual(['HTTP/1.1 504 Gateway Timeout', 'HTTP/1.1 504 Gateway Timeout', 'HTTP/1.1 200 OK']);
    expect(r.stderr).toBe('httpd: /cgi-bin/spin: ended after 1 seconds\nhttpd: /cgi-bin/nap: ended after 1 seconds\n');
    expect(r.status).toBe(0);
  });

  it('malformed requests get 400, a body too large 413, and the server lives on', () => {
    const r = serve([
      'GET /cgi-bin/env HTTP/1.0\r\nno colon here\r\n\r\n',
      'GET /cgi-bin/env HTTP/1.0\r\nBad Name: x\r\n\r\n',
      'POST /cgi-bin/echo HTTP/1.0\r\nContent-Length: -4\r\n\r\n',
      'POST /cgi-bin/echo HTTP/1.0\r\nContent-Length: 99999999\r\n\r\n',
      'GET /\0 HTTP/1.0\r\n\r\n',
      'GET /cgi-bin/echo HTTP/1.0\r\n\r\n',
    ]);
    expect(r.answers.map(statusOf)).toEqual([
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 413 Payload Too Large',
      'HTTP/1.1 400 Bad Request',
      'HTTP/1.1 200 OK',
    ]);
    expect(r.status).toBe(0);
  });
});
