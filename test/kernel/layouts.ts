import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageLayoutFiles } from '../../engine/oci/image-layout.ts';
import { appletList } from '../../images/assemble/applet-list.ts';
import { box, helloWorld } from '../../images/assemble/base-images.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The built-in images as OCI layouts in `dir`, assembled with the images' own recipe
 * (images/assemble) from the committed box.wasm; hello-world's program is compiled here when the
 * images engineer's hello.wasm is not committed yet.
 */
export async function writeBuiltinLayouts(dir: string): Promise<void> {
  const boxWasm = new Uint8Array(readFileSync(join(repo, 'images', 'box', 'box.wasm')));
  let hello: Uint8Array;
  try {
    hello = new Uint8Array(readFileSync(join(repo, 'images', 'hello-world', 'hello.wasm')));
  } catch {
    const src = join(dir, 'hello.c');
    mkdirSync(dir, { recursive: true });
    writeFileSync(src, '#include <stdio.h>\nint main(void){puts("\\nHello from Docker!\\nThis message shows that your installation appears to be working correctly.\\n");return 0;}\n');
    execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', join(dir, 'hello.wasm'), src]);
    hello = new Uint8Array(readFileSync(join(dir, 'hello.wasm')));
  }
  const shipped = [helloWorld(hello), box(boxWasm, await appletList(boxWasm))];
  for (const name of new Set(shipped.map((s) => s.name))) {
    for (const [path, bytes] of imageLayoutFiles(shipped.filter((s) => s.name === name))) {
      const file = join(dir, name, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
  }
}
