/**
 * The reference engine's base image: Debian's busybox-static (/bin/busybox and a link in /bin per
 * applet, as box has its applets) in the same skeleton of directories and /etc files as our
 * `box` image (images/assemble/base-images.ts), so paths, `docker diff` and HOME (root's home in
 * /etc/passwd) have the same answers on both engines. Imported with box's config (Env PATH, Cmd sh)
 * under box's own name, so command lines and table columns are the same text on both.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeTar } from '../../engine/tar/tar-writer.ts';
import type { TarEntry } from '../../engine/tar/tar-entry.ts';
import { DEFAULT_PATH } from '../../images/assemble/base-images.ts';

const BUSYBOX = '/bin/busybox';
const text = (s: string) => new TextEncoder().encode(s);

export function busyboxRootfs(): Uint8Array {
  // Every applet in /bin, as box has them (busybox would spread them over /sbin, /usr/bin, ...).
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a !== '' && a !== 'busybox');
  const dirs = ['bin', 'etc', 'home', 'root', 'tmp', 'usr', 'usr/bin', 'usr/local', 'usr/local/bin', 'var'];
  const entries: TarEntry[] = [
    ...dirs.map((path): TarEntry => ({ type: 'dir', path })),
    { type: 'file', path: 'bin/busybox', mode: 0o755, content: new Uint8Array(readFileSync(BUSYBOX)) },
    ...applets.map((a): TarEntry => ({ type: 'symlink', path: `bin/${a}`, target: 'busybox' })),
    { type: 'file', path: 'etc/hostname', content: text('box\n') },
    { type: 'file', path: 'etc/passwd', content: text('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n') },
    { type: 'file', path: 'etc/group', content: text('root:x:0:\nnogroup:x:65534:\n') },
  ];
  return writeTar(entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
}

/** `docker import` arguments that give the rootfs box's config. */
export const BOX_CONFIG_CHANGES = ['-c', `ENV ${DEFAULT_PATH}`, '-c', 'CMD ["sh"]'];
