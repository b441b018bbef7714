import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateImage } from '../../../engine/oci/validate.ts';
import { sha256 } from '../../../engine/oci/digest.ts';
import type { ImageIndex } from '../../../engine/oci/types.ts';

const layouts = 'images/layouts';
const names = existsSync(layouts) ? readdirSync(layouts).sort() : [];
const read = (name: string, path: string) => new Uint8Array(readFileSync(join(layouts, name, path)));
const index = (name: string) => JSON.parse(new TextDecoder().decode(read(name, 'index.json'))) as ImageIndex;

describe('the images we ship', () => {
  it('include hello-world, box and the examples', () => {
    expect(names).toEqual(expect.arrayContaining(['hello-world', 'box']));
  });

  for (const name of names) {
    describe(name, () => {
      it('every blob matches its digest, and the config diff_ids match the layers', async () => {
        for (const entry of index(name).manifests) {
          const manifestBytes = read(name, `blobs/sha256/${entry.digest.slice(7)}`);
          const problems = await validateImage({
            manifestBytes,
            manifestDescriptor: entry,
            getBlob: async (d) => (existsSync(join(layouts, name, 'blobs/sha256', d.slice(7))) ? read(name, `blobs/sha256/${d.slice(7)}`) : undefined),
          });
          expect(problems).toEqual([]);
        }
      });

      it('names every blob file by its own digest', () => {
        for (const file of readdirSync(join(layouts, name, 'blobs/sha256'))) {
          expect(sha256(read(name, `blobs/sha256/${file}`))).toBe(`sha256:${file}`);
        }
      });

      it('is platform wasi/wasm and readable by skopeo, a registry client nobody here wrote', () => {
        for (const entry of index(name).manifests) {
          const tag = entry.annotations?.['org.opencontainers.image.ref.name'];
          const out = execFileSync('skopeo', ['inspect', '--override-os', 'wasi', '--override-arch', 'wasm', `oci:${join(layouts, name)}:${tag}`]).toString();
          const info = JSON.parse(out) as { Os: string; Architecture: string; Layers: string[] };
          expect(info.Os).toBe('wasi');
          expect(info.Architecture).toBe('wasm');
          expect(info.Layers.length).toBeGreaterThan(0);
        }
      });
    });
  }
});
