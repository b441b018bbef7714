/**
 * Symbolic links in the browser's containers: box run by the worker's own process code
 * (worker/process: its adapter to the process host, MemFS root and link table) under @wasmer/wasi in Node,
 * on a root holding links as an image layer does. What a user of `docker run` / `docker diff`
 * would see: links made, listed, read through, followed in every component, and reported as links.
 */
import { readFileSync } from 'node:fs';
import { init, WASI } from '@wasmer/wasi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FsNode } from '../../../engine/ports.ts';
import { controlViews, createControlBlock } from '../../../worker/process/control-block.ts';
import { loadRoot, readDelta, type LoadedRoot } from '../../../worker/process/memfs-root.ts';
import { ProgramCache } from '../../../engine/wasi/program-cache.ts';
import { runProgram } from '../../../engine/wasi/process-host.ts';
import type { RootEntries } from '../../../worker/process/process-protocol.ts';
import { browserPorts, type ProcessBinding } from '../../../worker/process/wasi-process.ts';

const BOX = new Uint8Array(readFileSync(new URL('../../../images/box/box.wasm', import.meta.url)));
const enc = new TextEncoder();
let boxModule: WebAssembly.Module;

beforeAll(async () => {
  // @wasmer/wasi decodes its inlined runtime with Node's Buffer (the worker installs a shim).
  await init();
  boxModule = new WebAssembly.Module(BOX);
});

const dir = (): FsNode => ({ type: 'dir', mode: 0o755 });
const file = (text: string | Uint8Array, mode = 0o644): FsNode => ({ type: 'file', mode, content: typeof text === 'string' ? enc.encode(text) : text });
const link = (target: string): FsNode => ({ type: 'symlink', target });

/** A box image as a layer holds it: /bin/box and its applets as links, a linked directory. */
function imageEntries(): RootEntries {
  return [
    ['/', dir()],
    ['/bin', dir()],
    ['/bin/box', file(BOX, 0o755)],
    ['/bin/sh', link('box')],
    ['/bin/cat', link('/bin/box')],
    ['/etc', dir()],
    ['/etc/motd', file('hello from the image\n')],
    ['/lib', link('usr/lib')],
    ['/tmp', dir()],
    ['/usr', dir()],
    ['/usr/lib', dir()],
    ['/usr/lib/data.txt', file('data under /usr/lib\n')],
  ];
}

interface Container {
  anchor: WASI;
  root: LoadedRoot;
  sh(script: string): { code: number; stdout: string; stderr: string };
}

function container(entries: RootEntries = imageEntries()): Container {
  const anchor = new WASI({ args: [], env: {} });
  const root = loadRoot(anchor, entries);
  const programs = new ProgramCache();
  // Shared memory as in a cross-origin isolated page, of the size the runtime makes.
  const control = controlViews(new SharedArrayBuffer(createControlBlock().byteLength));
  return {
    anchor,
    root,
    sh(script) {
      const out: Uint8Array[] = [];
      const err: Uint8Array[] = [];
      const stdio: ProcessBinding = {
        run: { control, stdin: { kind: 'empty' } },
        host: { write: (fd, data) => (fd === 1 ? out : err).push(data.slice()), serve: () => undefined },
      };
      const exit = runProgram(browserPorts({ anchor, root }), programs, { module: boxModule, args: ['sh', '-c', script], env: ['PATH=/bin', 'PWD=/', 'HOME=/root'], stdio, depth: 0 });
      const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8');
      return { code: exit.exitCode, stdout: text(out), stderr: text(err) };
    },
  };
}

describe('symbolic links in the browser runtime (worker/process over @wasmer/wasi MemFS)', () => {
  it('ln -s makes a link that cat reads through, readlink-style ls -l shows and a relative link resolves from its directory', () => {
    const c = container();
    const r = c.sh('echo target > /tmp/t && ln -s /tmp/t /tmp/l && cat /tmp/l && ln -s t /tmp/r && cat /tmp/r && ls -l /tmp/l /tmp/r && ls -1F /tmp');
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: 'target\ntarget\nlrwxrwxrwx    1 root     root             6 Jan  1  1970 /tmp/l -> /tmp/t\nlrwxrwxrwx    1 root     root             1 Jan  1  1970 /tmp/r -> t\nl@\nr@\nt\n',
    });
  });

  it("an image's links stay links: /bin/sh -> box reads as the whole binary and stat says symbolic link", () => {
    const c = container();
    const r = c.sh('cat /bin/sh | wc -c; stat -c "%n %F" /bin/sh /bin/cat /bin/box /lib; ls -l /bin/sh; readlink /bin/sh /lib; readlink -f /bin/cat /lib/data.txt');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${BOX.length}\n/bin/sh symbolic link\n/bin/cat symbolic link\n/bin/box regular file\n/lib symbolic link\nlrwxrwxrwx    1 root     root             3 Jan  1  1970 /bin/sh -> box\nbox\nusr/lib\n/bin/box\n/usr/lib/data.txt\n`);
  });

  it('a link to a directory is followed in the middle of a path, by ls, cd and .. (physically)', () => {
    const c = container();
    const r = c.sh('cat /lib/data.txt; ls /lib/; cd /lib && pwd && cat data.txt; cat /lib/../lib/data.txt; echo new > /lib/made && cat /usr/lib/made');
    expect(r).toEqual({ code: 0, stderr: '', stdout: 'data under /usr/lib\ndata.txt\n/lib\ndata under /usr/lib\ndata under /usr/lib\nnew\n' });
  });

  it('a dangling link: ls -l shows it, cat fails with ENOENT, writing through it creates the target', () => {
    const c = container();
    const r = c.sh('ln -s /tmp/nowhere /tmp/d; ls -l /tmp/d; cat /tmp/d; echo $?; echo made > /tmp/d; cat /tmp/nowhere');
    expect(r.stdout).toBe('lrwxrwxrwx    1 root     root            12 Jan  1  1970 /tmp/d -> /tmp/nowhere\n1\nmade\n');
    expect(r.stderr).toBe('cat: /tmp/d: No such file or directory\n');
  });

  it('a loop of links ends in ELOOP, not a hang', () => {
    const c = container();
    const r = c.sh('ln -s /tmp/b /tmp/a && ln -s /tmp/a /tmp/b && cat /tmp/a');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cat: \/tmp\/a: (Symbolic link loop|Too many levels of symbolic links)\n$/);
  });

  it('a link target of 4096 bytes or more is refused (ENAMETOOLONG), as Linux does', () => {
    const c = container();
    const long = 'x'.repeat(4096);
    const r = c.sh(`ln -s ${long} /tmp/long; ln -s ${long.slice(1)} /tmp/fits && readlink /tmp/fits | wc -c`);
    expect(r).toEqual({ code: 0, stderr: 'ln: /tmp/long: Filename too long\n', stdout: '4096\n' });
  });

  it('links cannot climb out of the root: /tmp/up -> ../../.. is the root', () => {
    const c = container();
    const r = c.sh('ln -s ../../.. /tmp/up && cat /tmp/up/etc/motd && ls /tmp/up/tmp');
    expect(r).toEqual({ code: 0, stderr: '', stdout: 'hello from the image\nup\n' });
  });

  it('rm removes the link, not its target; mv moves it; ln -sf replaces it; rmdir of a link is ENOTDIR', () => {
    const c = container();
    const r = c.sh('echo x > /tmp/t; ln -s /tmp/t /tmp/l; mv /tmp/l /tmp/m; cat /tmp/m; ln -sf /etc/motd /tmp/m; cat /tmp/m; rm /tmp/m; ls /tmp; cat /tmp/t; rmdir /lib; ls -l / | grep lib');
    expect(r.stdout).toBe('x\nhello from the image\nt\nx\nlrwxrwxrwx    1 root     root             7 Jan  1  1970 lib -> usr/lib\n');
    expect(r.stderr).toBe("rmdir: '/lib': Not a directory\n");
  });

  it('mv of a directory carries the links inside it; mv of a file onto a link replaces the link', () => {
    const c = container();
    const r = c.sh('mkdir /tmp/d && ln -s /etc/motd /tmp/d/m && mv /tmp/d /tmp/e && cat /tmp/e/m && ls -1F /tmp/e; echo plain > /tmp/f && ln -s /etc/motd /tmp/l && mv /tmp/f /tmp/l && cat /tmp/l && ls -1F /tmp');
    expect(r).toEqual({ code: 0, stderr: '', stdout: 'hello from the image\nm@\nplain\ne/\nl\n' });
    expect(readDelta(c.anchor.fs, c.root).written).toEqual([
      ['/tmp/e', { type: 'dir', mode: 0o755 }],
      ['/tmp/e/m', { type: 'symlink', target: '/etc/motd' }],
      ['/tmp/l', { type: 'file', mode: 0o644, content: enc.encode('plain\n') }],
    ]);
  });

  it("programs run through links (PATH lookup of /bin/cat -> /bin/box) and a spawned child's output file is written through a link", () => {
    const c = container();
    const r = c.sh('cat /etc/motd; /bin/cat /etc/motd');
    expect(r).toEqual({ code: 0, stderr: '', stdout: 'hello from the image\nhello from the image\n' });
  });

  it('docker diff / commit see a new link as a link, an untouched image link not at all, a removed one as removed', () => {
    const c = container();
    expect(c.sh('ln -s /etc/motd /tmp/l && rm /bin/cat && ln -s data.txt /usr/lib/alias').code).toBe(0);
    const delta = readDelta(c.anchor.fs, c.root);
    expect(delta.written).toEqual([
      ['/tmp/l', { type: 'symlink', target: '/etc/motd' }],
      ['/usr/lib/alias', { type: 'symlink', target: 'data.txt' }],
    ]);
    expect(delta.removed).toEqual(['/bin/cat']);
  });

  it('a link an exec or a second process made is seen by the next one (one table per container)', () => {
    const c = container();
    expect(c.sh('ln -s /etc/motd /tmp/shared').code).toBe(0);
    expect(c.sh('cat /tmp/shared; ls -1F /tmp')).toEqual({ code: 0, stderr: '', stdout: 'hello from the image\nshared@\n' });
  });
});
