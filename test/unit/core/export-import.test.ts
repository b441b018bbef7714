import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readTar } from '../../../engine/tar/tar-reader.ts';
import { writeTar } from '../../../engine/tar/tar-writer.ts';
import type { TarEntry } from '../../../engine/tar/tar-entry.ts';
import type { EngineEvent } from '../../../engine/engine.ts';
import { boxHosts } from './support/box-hosts.ts';
import { run } from './support/run.ts';

const hosts = boxHosts();
const dec = new TextDecoder();

async function entries(tar: Uint8Array): Promise<Map<string, TarEntry>> {
  const out = new Map<string, TarEntry>();
  for await (const e of readTar(tar)) out.set(e.path.replace(/\/$/, ''), e);
  return out;
}

describe('docker export and docker import', () => {
  it("export is the container's whole file system with its changes; import makes it an image that runs", async () => {
    const h = await hosts.host({ pulled: true });
    const events: EngineEvent[] = [];
    await h.engine.events((e) => events.push(e));
    const made = await run(h.engine, { Image: 'box', name: 'maker', Cmd: ['sh', '-c', 'echo kept > /tmp/note && rm /etc/os-release; mkdir -p /srv/app'] });
    expect(made.code).toBe(0);
    const tar = await h.engine.exportContainer('maker');
    const files = await entries(tar);
    const note = files.get('tmp/note');
    expect(note?.type === 'file' && dec.decode(note.content)).toBe('kept\n');
    expect(files.get('srv/app')?.type).toBe('dir');
    expect(files.get('bin/sh')?.type).toBe('symlink');
    expect(files.has('etc/os-release')).toBe(false);
    expect(files.get('etc/passwd')?.type).toBe('file');
    expect(events.map((e) => `${e.Type} ${e.Action}`)).toContain('container export');

    const id = await h.engine.importImage(tar, { reference: 'copied:1', changes: ['CMD ["cat", "/tmp/note"]', 'ENV MODE=imported'] });
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const image = await h.engine.inspectImage('copied:1');
    expect(image.Id).toBe(id);
    expect(image.RootFS.Layers).toHaveLength(1);
    expect(image.Config.Cmd).toEqual(['cat', '/tmp/note']);
    expect(image.Config.Env).toEqual(['MODE=imported']);
    const [top] = await h.engine.history('copied:1');
    expect(top.Comment).toBe('Imported from -');
    expect(top.CreatedBy).toBe('');
    const again = await run(h.engine, { Image: 'copied:1' });
    expect(again).toMatchObject({ code: 0, stdout: 'kept\n' });
    expect(events.map((e) => `${e.Type} ${e.Action}`)).toContain('image import');
  });

  it('import takes a gzip too, a message as the comment, and no name (a dangling image)', async () => {
    const h = await hosts.host();
    const tar = writeTar([
      { type: 'dir', path: 'data' },
      { type: 'file', path: 'data/a.txt', content: new TextEncoder().encode('a\n') },
    ]);
    const id = await h.engine.importImage(new Uint8Array(gzipSync(tar)), { message: 'from a tarball' });
    const [top] = await h.engine.history(id);
    expect(top.Comment).toBe('from a tarball');
    const listed = await h.engine.listImages();
    expect(listed.map((i) => [i.Id, i.RepoTags])).toEqual([[id, []]]);
  });

  it('bad input: a change Docker refuses, an archive that is not a tar, a path out of the root - and nothing is left', async () => {
    const h = await hosts.host();
    const tar = writeTar([{ type: 'file', path: 'a', content: new Uint8Array([1]) }]);
    await expect(h.engine.importImage(tar, { changes: ['RUN echo no'] })).rejects.toThrow('run is not a valid change command');
    await expect(h.engine.importImage(new TextEncoder().encode('not a tar at all, just some text that is long enough'.repeat(20)))).rejects.toMatchObject({ code: 'invalid-argument' });
    const escape = new Uint8Array(writeTar([{ type: 'file', path: 'x', content: new Uint8Array([1]) }]));
    escape.set(new TextEncoder().encode('../../etc/evil\0'), 0);
    fixChecksum(escape);
    await expect(h.engine.importImage(escape)).rejects.toThrow();
    expect(await h.engine.listImages()).toEqual([]);
    expect(await h.blobs.list()).toEqual([]);
    await expect(h.engine.exportContainer('nosuch')).rejects.toThrow('No such container: nosuch');
  });
});

/** A ustar header's checksum after its name was changed. */
function fixChecksum(block: Uint8Array): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += block[i];
  block.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
}
