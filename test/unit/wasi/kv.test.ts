/**
 * The kv image's server (images/kv/kv.c) as container `web` on the in-memory network, this test
 * its client `peer` speaking Redis's protocol as redis-cli and nc do; and its data in /data.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGuest } from './socket-harness.ts';
import { serveAll } from './http-peer.ts';

const KV = new WebAssembly.Module(readFileSync(new URL('../../../images/kv/kv.wasm', import.meta.url)));
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kv-'));
  mkdirSync(join(root, 'data'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Send each session's bytes on its own connection, read until kv closes it (QUIT or an error), then SIGTERM (http-peer.ts). */
function talk(sessions: string[], args: string[] = []): { replies: string[]; status: number; stdout: string; stderr: string } {
  const { answers, run } = serveAll(sessions, (net, signals) => runGuest(net, { module: KV, root, args: ['kv', ...args], signals }), 6379);
  return { replies: answers, ...run };
}

const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

describe('kv', () => {
  it('answers inline commands and RESP arrays as Redis does', () => {
    const r = talk([
      'PING\r\nSET greeting hello\r\nGET greeting\r\nGET nothing\r\nINCR hits\r\nINCR hits\r\nINCRBY hits 10\r\nDECR hits\r\nINCR greeting\r\nQUIT\r\n',
      resp('COMMAND', 'DOCS') + resp('SET', 'two words', 'a\r\nbinary\0value') + resp('GET', 'two words') + resp('KEYS', '*') + resp('EXISTS', 'hits', 'nope') + resp('DEL', 'hits', 'nope') + resp('DBSIZE') + resp('QUIT'),
      'NOSUCH a b\r\nGET\r\nPING hi\r\n*x\r\n',
    ]);
    expect(r.replies[0]).toBe('+PONG\r\n+OK\r\n$5\r\nhello\r\n$-1\r\n:1\r\n:2\r\n:12\r\n:11\r\n-ERR value is not an integer or out of range\r\n+OK\r\n');
    expect(r.replies[1]).toBe('*0\r\n+OK\r\n$15\r\na\r\nbinary\0value\r\n*3\r\n$8\r\ngreeting\r\n$4\r\nhits\r\n$9\r\ntwo words\r\n:1\r\n:1\r\n:2\r\n+OK\r\n');
    expect(r.replies[2]).toBe("-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n-ERR wrong number of arguments for 'get' command\r\n$2\r\nhi\r\n-Protocol error: invalid multibulk length\r\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('kv: 0 keys loaded from /data/kv.resp\nkv: ready to accept connections on port 6379\nkv: saved, bye\n');
  });

  it('keeps its data in /data: a new server loads what the last one was told; EXPIRE and TTL', () => {
    talk(['FLUSHALL\r\nSET kept yes\r\nSET brief x\r\nEXPIRE brief 100\r\nTTL brief\r\nTTL kept\r\nTTL gone\r\nQUIT\r\n']);
    expect(readFileSync(join(root, 'data/kv.resp'), 'utf8')).toMatch(/^\*5\r\n\$3\r\nSET\r\n\$5\r\nbrief\r\n\$1\r\nx\r\n\$4\r\nPXAT\r\n\$13\r\n\d{13}\r\n\*3\r\n\$3\r\nSET\r\n\$4\r\nkept\r\n\$3\r\nyes\r\n$/);
    const again = talk(['GET kept\r\nTTL brief\r\nKEYS *\r\nQUIT\r\n']);
    expect(again.replies[0]).toMatch(/^\$3\r\nyes\r\n:(100|99)\r\n\*2\r\n\$5\r\nbrief\r\n\$4\r\nkept\r\n\+OK\r\n$/);
    expect(again.stdout).toContain('kv: 2 keys loaded from /data/kv.resp\n');
  });

  it('a damaged data file: what is whole is loaded, the rest named on stderr; without /data it keeps data in memory', () => {
    writeFileSync(join(root, 'data/kv.resp'), `${resp('SET', 'a', '1')}*3\r\n$3\r\nSET`);
    const r = talk(['GET a\r\nQUIT\r\n']);
    expect(r.replies[0]).toBe('$1\r\n1\r\n+OK\r\n');
    expect(r.stderr).toBe('kv: /data/kv.resp: ignored what follows byte 27 (not a complete command)\n');
    const mem = talk(['SET a 2\r\nGET a\r\nQUIT\r\n'], ['-d', '/nowhere', '-p', '6379']);
    expect(mem.replies[0]).toBe('+OK\r\n$1\r\n2\r\n+OK\r\n');
    expect(mem.stdout).toContain('kv: /nowhere is not a directory: the data stays in memory\n');
  });
});
