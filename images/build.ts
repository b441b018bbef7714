/**
 * `npm run images`: compiles the C sources to WASI modules, assembles the images we ship with the
 * engine's own deterministic layer writer, and writes them as OCI image layouts under
 * images/layouts/<name>/. Run twice, it writes the same bytes; CI checks that against the
 * committed layouts.
 *
 *   tsx images/build.ts [--no-compile] [--root DIR]
 *     --no-compile  use the committed .wasm files (no C toolchain needed)
 *     --root DIR    work on a copy of images/ at DIR (the reproducibility test does this)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { imageLayoutFiles } from '../engine/oci/image-layout.ts';
import { box, helloWorld, httpd, kv, sqlite, type Shipped } from './assemble/base-images.ts';
import { appletList } from './assemble/applet-list.ts';
import { buildExamples } from './assemble/example-images.ts';

const args = process.argv.slice(2);
const rootArg = args.indexOf('--root');
const root = resolve(rootArg >= 0 ? args[rootArg + 1] : dirname(fileURLToPath(import.meta.url)));
const compile = !args.includes('--no-compile');

if (compile) execFileSync('sh', [join(root, 'compile.sh')], { stdio: 'inherit' });

const read = (p: string) => new Uint8Array(readFileSync(join(root, p)));
const boxWasm = read('box/box.wasm');
const shipped: Shipped[] = [helloWorld(read('hello-world/hello.wasm'))];
const boxImage = box(boxWasm, await appletList(boxWasm));
shipped.push(boxImage);
shipped.push(sqlite(boxImage, read('sqlite/sqlite3.wasm')));
shipped.push(httpd(boxImage, read('httpd/index.cgi')));
shipped.push(kv(boxImage, read('kv/kv.wasm')));
shipped.push(...(await buildExamples(root, shipped)));

const layouts = join(root, 'layouts');
rmSync(layouts, { recursive: true, force: true });
for (const name of new Set(shipped.map((s) => s.name))) {
  const files = imageLayoutFiles(shipped.filter((s) => s.name === name));
  for (const [path, bytes] of files) {
    const file = join(layouts, name, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
}

// Sizes are part of the lesson (a VM disk is gigabytes): print what README.md lists.
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
console.log('\n| image | tags | layers | uncompressed | gzip | image ID |\n|---|---|---|---|---|---|');
for (const s of shipped) {
  const raw = s.layers.reduce((n, l) => n + l.length, 0) + s.built.configBytes.length;
  const gz = s.layers.reduce((n, l) => n + gzipSync(l, { level: 9, mtime: 0 }).length, 0) + s.built.configBytes.length;
  console.log(`| ${s.name} | ${s.tags.join(', ')} | ${s.layers.length} | ${kb(raw)} | ${kb(gz)} | ${s.built.id.slice(7, 19)} |`);
}
