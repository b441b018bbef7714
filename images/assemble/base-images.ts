/**
 * The images we assemble from compiled modules rather than build from a Dockerfile: hello-world
 * and box (a busybox-like image), and sqlite on top of box. Each is a plain file tree turned into
 * one deterministic layer with the engine's own tar writer, so every digest is reproducible.
 */
import { appendLayer, buildImage, emptyImage, setConfig, uncompressedLayer, type BuiltImage, type Image } from '../../engine/oci/image-builder.ts';
import { writeTar } from '../../engine/tar/tar-writer.ts';
import type { TarEntry } from '../../engine/tar/tar-entry.ts';
import type { LayoutImage } from '../../engine/oci/image-layout.ts';

/**
 * The `created` time of every shipped image and history entry: fixed, so rebuilding gives the same
 * image IDs. Bump it when the images change in a way a learner should see as "newer".
 */
export const SOURCE_DATE = '2026-11-01T00:00:00Z';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const text = (s: string) => new TextEncoder().encode(s);

export interface Shipped extends LayoutImage {
  name: string;
  image: Image;
}

function finish(name: string, image: Image, layers: Uint8Array[], tags: string[]): Shipped {
  const built: BuiltImage = buildImage(image);
  return { name, image, built, layers, tags };
}

function layer(image: Image, entries: TarEntry[], createdBy: string): { image: Image; tar: Uint8Array } {
  const tar = writeTar(entries);
  return { image: appendLayer(image, uncompressedLayer(tar), { created: SOURCE_DATE, created_by: createdBy }), tar };
}

export function helloWorld(hello: Uint8Array): Shipped {
  let image = emptyImage({ created: SOURCE_DATE });
  const l = layer(image, [{ type: 'file', path: 'hello', mode: 0o755, content: hello }], 'COPY hello.wasm /hello # images/hello-world');
  image = setConfig(l.image, { Env: [DEFAULT_PATH], Cmd: ['/hello'] }, { created: SOURCE_DATE, created_by: 'CMD ["/hello"]' });
  return finish('hello-world', image, [l.tar], ['latest']);
}

/** box: /bin/box, every applet as a symlink to it, and the few files a shell user expects. */
export function box(boxWasm: Uint8Array, applets: string[]): Shipped {
  const entries: TarEntry[] = [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/box', mode: 0o755, content: boxWasm },
    ...applets.filter((a) => a !== 'box').map((a): TarEntry => ({ type: 'symlink', path: `bin/${a}`, target: 'box' })),
    { type: 'dir', path: 'etc' },
    { type: 'file', path: 'etc/hostname', content: text('box\n') },
    { type: 'file', path: 'etc/passwd', content: text('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n') },
    { type: 'file', path: 'etc/group', content: text('root:x:0:\nnogroup:x:65534:\n') },
    { type: 'file', path: 'etc/os-release', content: text('NAME="Dockyard box"\nID=box\nVERSION_ID=1.0\nPRETTY_NAME="Dockyard box 1.0 (WASI)"\n') },
    { type: 'dir', path: 'home' },
    { type: 'dir', path: 'root' },
    { type: 'dir', path: 'tmp' },
    { type: 'dir', path: 'usr' },
    { type: 'dir', path: 'usr/bin' },
    { type: 'dir', path: 'usr/local' },
    { type: 'dir', path: 'usr/local/bin' },
    { type: 'dir', path: 'var' },
  ];
  let image = emptyImage({ created: SOURCE_DATE });
  const l = layer(image, entries, 'ADD box-rootfs / # images/box: /bin/box and its applets');
  image = setConfig(l.image, { Env: [DEFAULT_PATH], Cmd: ['sh'] }, { created: SOURCE_DATE, created_by: 'CMD ["sh"]' });
  return finish('box', image, [l.tar], ['1.0', 'latest']);
}

/** sqlite: FROM box, plus the SQLite shell; its data directory is a volume. */
export function sqlite(base: Shipped, sqliteWasm: Uint8Array): Shipped {
  const l = layer(base.image, [
    { type: 'dir', path: 'data' },
    { type: 'dir', path: 'usr' },
    { type: 'dir', path: 'usr/bin' },
    { type: 'file', path: 'usr/bin/sqlite3', mode: 0o755, content: sqliteWasm },
  ], 'COPY sqlite3.wasm /usr/bin/sqlite3 # images/sqlite');
  let image = setConfig(l.image, { Volumes: { '/data': {} } }, { created: SOURCE_DATE, created_by: 'VOLUME [/data]' });
  image = setConfig(image, { WorkingDir: '/data' }, { created: SOURCE_DATE, created_by: 'WORKDIR /data' });
  image = setConfig(image, { Cmd: ['sqlite3'] }, { created: SOURCE_DATE, created_by: 'CMD ["sqlite3"]' });
  return finish('sqlite', image, [...base.layers, l.tar], ['latest']);
}
