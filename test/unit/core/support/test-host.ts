/**
 * A complete host for driving the real core in tests: memory stores (engine/memory), a directory
 * snapshotter and Node's WASI runtime, volumes as temp directories, and the built-in registry
 * over an OCI layout held in memory. `images()` gives the shipped box and hello-world images
 * assembled from the committed box.wasm by images/assemble (plus test-only images).
 */
import { mkdtempSync, mkdirSync, rmSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBlobStore, MemoryLogStore, MemoryMetadataStore } from '../../../../engine/memory/index.ts';
import { OciLayoutRegistry } from '../../../../engine/registry/oci-layout-registry.ts';
import { routeRegistries } from '../../../../engine/registry/registry-router.ts';
import type { HostPorts, RegistryClient, VolumeEntries, VolumeStore } from '../../../../engine/ports.ts';
import { checkVolumeEntryPath } from '../../../../engine/core/volume-copy.ts';
import { createEngine, type EngineOptions } from '../../../../engine/core/index.ts';
import type { Engine } from '../../../../engine/engine.ts';
import { DirSnapshotter } from './dir-snapshotter.ts';
import { NodeWasiRuntime } from './node-wasi-runtime.ts';
import { Layout } from './oci-fixtures.ts';

export class DirVolumes implements VolumeStore {
  readonly root = mkdtempSync(join(tmpdir(), 'dockyard-vol-'));
  dir(name: string): string {
    return join(this.root, name);
  }
  async create(name: string): Promise<void> {
    mkdirSync(this.dir(name), { recursive: true });
  }
  async remove(name: string): Promise<void> {
    rmSync(this.dir(name), { recursive: true, force: true });
  }
  async isEmpty(name: string): Promise<boolean> {
    try {
      return readdirSync(this.dir(name)).length === 0;
    } catch {
      return true;
    }
  }
  async populate(name: string, entries: VolumeEntries): Promise<void> {
    for (const [p, node] of entries) {
      const at = join(this.dir(name), ...checkVolumeEntryPath(p));
      if (node.type === 'dir') mkdirSync(at, { recursive: true, mode: node.mode });
      else if (node.type === 'file') writeFileSync(at, node.content, { flag: 'wx', mode: node.mode });
      else symlinkSync(node.target, at);
    }
  }
  async usage(name: string): Promise<number> {
    const walk = (p: string): number => readdirSync(p).reduce((n, f) => {
      const st = statSync(join(p, f));
      return n + (st.isDirectory() ? walk(join(p, f)) : st.size);
    }, 0);
    try {
      return walk(this.dir(name));
    } catch {
      return 0;
    }
  }
}

export interface TestHost {
  engine: Engine;
  ports: HostPorts;
  blobs: MemoryBlobStore;
  metadata: MemoryMetadataStore;
  snapshots: DirSnapshotter;
  runtime: NodeWasiRuntime;
  volumes: DirVolumes;
  layout: Layout;
  clock: { now: number };
  dispose(): void;
}

export const BOX_WASM = new Uint8Array(readFileSync(new URL('../../../../images/box/box.wasm', import.meta.url)));

export function makeHost(options: { layout?: Layout; engine?: EngineOptions; registry?: RegistryClient; clock?: 'real' | number } = {}): TestHost {
  const blobs = new MemoryBlobStore();
  const metadata = new MemoryMetadataStore();
  const snapshots = new DirSnapshotter(blobs);
  const volumes = new DirVolumes();
  const runtime = new NodeWasiRuntime(snapshots, volumes);
  const layout = options.layout ?? new Layout();
  const clock = { now: typeof options.clock === 'number' ? options.clock : Date.parse('2026-11-20T10:00:00Z') };
  const builtin = new OciLayoutRegistry({ readFile: layout.readFile });
  const ports: HostPorts = {
    blobs,
    metadata,
    logs: new MemoryLogStore(),
    snapshots,
    volumes,
    runtime,
    registry: routeRegistries({ builtin }, options.registry),
    platform: { host: 'linux', name: 'test-host', ncpu: 2, memTotal: 4 * 2 ** 30, kernelVersion: '6.1.0-test' },
    now: options.clock === 'real' ? () => Date.now() : () => clock.now,
  };
  const engine = createEngine(ports, options.engine);
  return {
    engine,
    ports,
    blobs,
    metadata,
    snapshots,
    runtime,
    volumes,
    layout,
    clock,
    dispose() {
      snapshots.dispose();
      rmSync(volumes.root, { recursive: true, force: true });
    },
  };
}
