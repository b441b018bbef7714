import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createEngine } from '../../engine/core/index.ts';
import { MemoryBlobStore, MemoryLogStore, MemoryMetadataStore } from '../../engine/memory/index.ts';
import { OciLayoutRegistry } from '../../engine/registry/oci-layout-registry.ts';
import { EngineError } from '../../engine/errors.ts';
import { readTar } from '../../engine/tar/tar-reader.ts';
import { parseConfig, parseManifest } from '../../engine/oci/validate.ts';
import { sha256 } from '../../engine/oci/digest.ts';
import { MediaType } from '../../engine/oci/media-types.ts';
import { REF_NAME_ANNOTATION, imageLayoutFiles } from '../../engine/oci/image-layout.ts';
import type { Descriptor, ImageIndex } from '../../engine/oci/types.ts';
import type { HostPorts } from '../../engine/ports.ts';
import type { Image } from '../../engine/oci/image-builder.ts';
import type { Shipped } from './base-images.ts';

/** Example contexts shipped as images: folder under images/examples -> the tag it gets. */
const EXAMPLES: Array<{ context: string; name: string; tag: string }> = [
  { context: 'greeter', name: 'greeter', tag: '1' },
  { context: 'greeter-v2', name: 'greeter', tag: '2' },
];

/**
 * Images built FROM the base images by the engine's own builder from the example contexts, so
 * the playground's `docker build` of the same context gives the same image ID. The examples
 * only COPY and configure: no RUN, so no runtime is needed here.
 */
export async function buildExamples(root: string, base: Shipped[]): Promise<Shipped[]> {
  const baseFiles = new Map(base.map((s) => [s.name, imageLayoutFiles(base.filter((b) => b.name === s.name))]));
  const noRuntime = () => {
    throw new EngineError('unavailable', 'images/build.ts builds the examples without a runtime: they may not RUN');
  };
  const ports: HostPorts = {
    blobs: new MemoryBlobStore(),
    metadata: new MemoryMetadataStore(),
    logs: new MemoryLogStore(),
    snapshots: { prepare: noRuntime, changes: noRuntime, remove: async () => {}, read: noRuntime, makeDir: noRuntime },
    volumes: { create: noRuntime, remove: async () => {}, usage: async () => 0, isEmpty: noRuntime, populate: noRuntime },
    runtime: { start: noRuntime },
    registry: new OciLayoutRegistry({
      readFile: async (path) => {
        const [name, ...rest] = path.split('/');
        const bytes = baseFiles.get(name)?.get(rest.join('/'));
        if (!bytes) throw new EngineError('not-found', `${path} not found`);
        return bytes;
      },
    }),
    platform: { host: 'linux', name: 'images-build', ncpu: 1, memTotal: 0, kernelVersion: '' },
  };
  const engine = createEngine(ports);
  const log: string[] = [];
  for (const ex of EXAMPLES) {
    const dir = join(root, 'examples', ex.context);
    await engine.build({ context: contextOf(dir), tags: [`${ex.name}:${ex.tag}`], onProgress: (e) => e.stream && log.push(e.stream) }).catch((e) => {
      throw new Error(`building images/examples/${ex.context} failed: ${(e as Error).message}\n${log.join('')}`);
    });
  }
  const archive = await engine.saveImages(EXAMPLES.map((ex) => `${ex.name}:${ex.tag}`));
  return shippedFromArchive(archive, EXAMPLES);
}

function contextOf(dir: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Read the saved OCI layout back into the shape the layout writer takes, keeping every byte. */
async function shippedFromArchive(archive: Uint8Array, examples: typeof EXAMPLES): Promise<Shipped[]> {
  const files = new Map<string, Uint8Array>();
  for await (const entry of readTar(archive)) if (entry.type === 'file') files.set(entry.path, entry.content);
  const blob = (d: string) => files.get(`blobs/sha256/${d.slice(7)}`)!;
  const index = JSON.parse(new TextDecoder().decode(files.get('index.json'))) as ImageIndex;
  return index.manifests.map((desc, i) => {
    const manifestBytes = blob(desc.digest);
    const manifest = parseManifest(manifestBytes);
    const configBytes = blob(manifest.config.digest);
    const config = parseConfig(configBytes, manifest.config);
    const manifestDescriptor: Descriptor = { mediaType: manifest.mediaType ?? MediaType.ociManifest, digest: sha256(manifestBytes), size: manifestBytes.length };
    const image: Image = { config, layers: manifest.layers.map((d, j) => ({ descriptor: d, diffId: config.rootfs.diff_ids[j] })) };
    const tag = desc.annotations?.[REF_NAME_ANNOTATION] ?? examples[i].tag;
    return {
      name: examples[i].name,
      image,
      tags: [tag],
      layers: manifest.layers.map((d) => blob(d.digest)),
      built: { id: manifest.config.digest, config, configBytes, configDescriptor: manifest.config, manifest, manifestBytes, manifestDescriptor },
    };
  });
}
