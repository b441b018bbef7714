/**
 * A Docker-format image archive (manifest.json, config.json, layerN.tar), as `docker save` wrote
 * it before OCI layouts, built from tar entries: for `docker load` of layers no engine would
 * save. Every byte is ASCII when the entries are, so it can travel as text (the parity suite's stdin).
 */
import { sha256 } from '../../../../engine/oci/digest.ts';
import type { TarEntry } from '../../../../engine/tar/tar-entry.ts';
import { writeTar } from '../../../../engine/tar/tar-writer.ts';

const enc = new TextEncoder();

export function dockerArchive(tag: string, layers: TarEntry[][]): Uint8Array {
  const tars = layers.map((l) => writeTar(l));
  const config = enc.encode(JSON.stringify({ architecture: 'wasm', os: 'wasi', rootfs: { type: 'layers', diff_ids: tars.map((t) => sha256(t)) }, config: { Cmd: ['true'] } }));
  return writeTar([
    { type: 'file', path: 'config.json', content: config },
    ...tars.map((t, i): TarEntry => ({ type: 'file', path: `layer${i}.tar`, content: t })),
    { type: 'file', path: 'manifest.json', content: enc.encode(JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: tars.map((_, i) => `layer${i}.tar`) }])) },
  ]);
}

export const fileEntry = (path: string, content = ''): TarEntry => ({ type: 'file', path, content: enc.encode(content) });
