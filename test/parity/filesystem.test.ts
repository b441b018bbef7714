/**
 * Parity of the container's writable layer: `docker diff` after writes, deletes and renames
 * (including deleting a file that comes from the image's layer), on a stopped and on a running
 * container; `docker commit` giving the same layer digests; the committed image seen from a new
 * container. The browser keeps its layers in IndexedDB, the kernel in an overlayfs upper dir.
 */
import { describe, expect } from 'vitest';
import { expectSame, normalized, useParity } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';

const h = useParity(['box']);

const CHANGES = [
  'echo new > /tmp/new',                 // add a file in an image dir
  'echo changed >> /etc/passwd',         // change a file of the image layer
  'rm /etc/os-release',                  // delete a file of the image layer (a whiteout)
  'mv /etc/group /etc/group2',           // rename a file of the image layer
  'mkdir -p /data/x && touch /data/x/y', // add a directory tree
  'rm -r /home',                         // delete a directory of the image layer
  'mkdir /root/made && mv /root/made /root/moved', // rename a directory made in the container
].join(' && ');

describe('docker diff', () => {
  parityIt('after writes, deletes and renames, including files from the image layer', async () => {
    expectSame(await h.both(['run', '--name', 'writer', 'box', 'sh', '-c', CHANGES]));
    expectSame(await h.both(['diff', 'writer']));
  });

  parityIt('an empty diff for a container that changed nothing', async () => {
    expectSame(await h.both(['run', '--name', 'quiet', 'box', 'true']));
    const r = await h.both(['diff', 'quiet']);
    expectSame(r);
    expect(r.kernel.stdout).toBe('');
  });

  parityIt('a file written then deleted in the same container leaves no trace', async () => {
    expectSame(await h.both(['run', '--name', 'gone', 'box', 'sh', '-c', 'echo x > /tmp/x && rm /tmp/x && rm /etc/passwd && echo back > /etc/passwd']));
    expectSame(await h.both(['diff', 'gone']));
  });

  parityIt('on a running container, after exec (the tutorial: inst-a, inst-b)', async () => {
    const a = await h.both(['run', '-d', '--name', 'inst-a', 'box', 'sleep', '900']);
    expect(a.kernel.code).toBe(0);
    expect(a.browser.code).toBe(0);
    expect(a.kernel.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(a.browser.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expectSame(await h.both(['exec', 'inst-a', 'sh', '-c', 'echo from-a > /tmp/who']));
    expectSame(await h.both(['exec', 'inst-a', 'touch', '/tmp/only-a']));
    expectSame(await h.both(['exec', 'inst-a', 'sh', '-c', 'cat /tmp/who; ls /tmp']));
    expectSame(await h.both(['diff', 'inst-a']));
    expectSame(await h.both(['rm', '-f', 'inst-a']));
  });

  parityIt('of a container that does not exist', async () => {
    expectSame(await h.both(['diff', 'nosuch']));
  });
});

describe('symbolic links in the writable layer', () => {
  const LINKS = [
    'ln -s /etc/passwd /tmp/pw',  // a new link to an absolute target
    'ln -s ../tmp /root/t',       // a new link to a directory, relative
    'ln -s /nowhere /tmp/dangle', // a dangling one
    'rm /bin/ls',                 // an image link removed (a whiteout)
    'mkdir -p /opt/bin && ln -s /bin/box /opt/bin/cat', // a program through a new link
  ].join(' && ');

  parityIt('docker diff lists new links as added and a removed image link as deleted', async () => {
    expectSame(await h.both(['run', '--name', 'linker', 'box', 'sh', '-c', LINKS]));
    const r = await h.both(['diff', 'linker']);
    expectSame(r);
    expect(r.kernel.stdout).toContain('A /tmp/pw\n');
    expect(r.kernel.stdout).toContain('D /bin/ls\n');
  });

  parityIt('commit of new links: the same layer digest on both, links still links in a new container', async () => {
    const committed = await h.both(['commit', 'linker', 'parity:links']);
    expect([committed.kernel.code, committed.browser.code]).toEqual([0, 0]);
    expectSame(await h.both(['inspect', '-f', '{{json .RootFS.Layers}}', 'parity:links']));
    expectSame(await h.both(['run', '--rm', 'parity:links', 'sh', '-c', 'readlink /tmp/pw /root/t /tmp/dangle /opt/bin/cat; head -n 1 /tmp/pw; ls /root/t/; ls /bin/ls; echo $?; /opt/bin/cat /tmp/pw | wc -l']));
  });
});

describe('docker commit', () => {
  parityIt('gives the same layer digests on both', async () => {
    const committed = await h.both(['commit', 'writer', 'parity:c1']);
    expect(committed.kernel.code).toBe(0);
    expect(committed.browser.code).toBe(0);
    expectSame(await h.both(['inspect', '-f', '{{json .RootFS.Layers}}', 'parity:c1']));
    expectSame(await h.both(['history', '--no-trunc', '--format', '{{.CreatedBy}}\t{{.Size}}', 'parity:c1']));
  });

  parityIt('a new container of the committed image sees the changes, deletions as absences', async () => {
    expectSame(await h.both(['run', '--rm', 'parity:c1', 'sh', '-c', 'ls -a /etc /root /data/x; cat /tmp/new; tail -n 1 /etc/passwd; ls -d /home 2>&1; echo $?']));
  });

  parityIt('a second commit on top: a directory deleted and made again (an opaque directory)', async () => {
    expectSame(await h.both(['run', '--name', 'writer2', 'parity:c1', 'sh', '-c', 'rm -r /data && mkdir -p /data && echo fresh > /data/only']));
    expectSame(await h.both(['diff', 'writer2']));
    const committed = await h.both(['commit', '-c', 'CMD ["cat", "/data/only"]', 'writer2', 'parity:c2']);
    expect([committed.kernel.code, committed.browser.code]).toEqual([0, 0]);
    expectSame(await h.both(['inspect', '-f', '{{json .RootFS.Layers}} {{json .Config.Cmd}}', 'parity:c2']));
    expectSame(await h.both(['run', '--rm', 'parity:c2']));
    expectSame(await h.both(['run', '--rm', 'parity:c2', 'find', '/data']));
  });

  parityIt('history -q of the committed image: its own ID on top, <missing> below, on both', async () => {
    const b = await h.onBrowser(['image', 'inspect', '-f', '{{.Id}}', 'parity:c1']);
    const k = await h.onKernel(['image', 'inspect', '-f', '{{.Id}}', 'parity:c1']);
    // Commit records the time it happened in the image config, so the IDs of two commits differ,
    // as two `docker commit`s of one container on one engine do; the layers do not.
    expect(normalized(await h.onBrowser(['history', '-q', 'parity:c1']), [b.stdout.trim().replace('sha256:', '')])).toEqual(normalized(await h.onKernel(['history', '-q', 'parity:c1']), [k.stdout.trim().replace('sha256:', '')]));
  });
});
