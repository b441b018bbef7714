/**
 * The images we assemble from compiled modules rather than build from a Dockerfile: hello-world
 * and box (a busybox-like image), and on top of box sqlite, httpd (the web server) and kv (the
 * key-value store). Each is a plain file tree turned into
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

/** httpd: FROM box, serving /var/www; its default page is a CGI script (images/httpd/index.cgi). */
export function httpd(base: Shipped, indexCgi: Uint8Array): Shipped {
  const l = layer(base.image, [
    { type: 'dir', path: 'var' },
    { type: 'dir', path: 'var/www' },
    { type: 'dir', path: 'var/www/cgi-bin' },
    { type: 'file', path: 'var/www/cgi-bin/index.cgi', mode: 0o755, content: indexCgi },
  ], 'COPY index.cgi /var/www/cgi-bin/index.cgi # images/httpd');
  let image = setConfig(l.image, { ExposedPorts: { '80/tcp': {} } }, { created: SOURCE_DATE, created_by: 'EXPOSE map[80/tcp:{}]' });
  image = setConfig(image, { WorkingDir: '/var/www' }, { created: SOURCE_DATE, created_by: 'WORKDIR /var/www' });
  image = setConfig(image, { Cmd: ['httpd', '-f', '-p', '80', '-h', '/var/www'] }, { created: SOURCE_DATE, created_by: 'CMD ["httpd" "-f" "-p" "80" "-h" "/var/www"]' });
  return finish('httpd', image, [...base.layers, l.tar], ['latest']);
}

/** kv: FROM box, plus the key-value server (images/kv); its data directory is a volume. */
export function kv(base: Shipped, kvWasm: Uint8Array): Shipped {
  const l = layer(base.image, [
    { type: 'dir', path: 'data' },
    { type: 'dir', path: 'usr' },
    { type: 'dir', path: 'usr/bin' },
    { type: 'file', path: 'usr/bin/kv', mode: 0o755, content: kvWasm },
  ], 'COPY kv.wasm /usr/bin/kv # images/kv');
  let image = setConfig(l.image, { Volumes: { '/data': {} } }, { created: SOURCE_DATE, created_by: 'VOLUME [/data]' });
  image = setConfig(image, { WorkingDir: '/data' }, { created: SOURCE_DATE, created_by: 'WORKDIR /data' });
  image = setConfig(image, { ExposedPorts: { '6379/tcp': {} } }, { created: SOURCE_DATE, created_by: 'EXPOSE map[6379/tcp:{}]' });
  image = setConfig(image, { Cmd: ['kv'] }, { created: SOURCE_DATE, created_by: 'CMD ["kv"]' });
  return finish('kv', image, [...base.layers, l.tar], ['latest']);
}
