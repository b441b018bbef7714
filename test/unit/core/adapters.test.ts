/**
 * The Snapshotter and Runtime conformance suites, run against the test host's adapters
 * (support/dir-snapshotter.ts, support/node-wasi-runtime.ts) - which also proves the suites can fail
 * and pass on a real runtime before the browser and Linux adapters run them.
 */
import { mkdirSync, writeFileSync, rmSync, symlinkSync, readFileSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { snapshotterSuite } from '../../conformance/snapshotter-suite.ts';
import { runtimeSuite } from '../../conformance/runtime-suite.ts';
import { MemoryBlobStore } from '../../../engine/memory/index.ts';
import { DirSnapshotter } from './support/dir-snapshotter.ts';
import { NodeWasiRuntime } from './support/node-wasi-runtime.ts';
import { DirVolumes } from './support/test-host.ts';
import { boxLayoutFiles } from './support/shipped.ts';
import { sha256 } from '../../../engine/oci/digest.ts';
import type { Digest } from '../../../engine/ports.ts';

snapshotterSuite('directory (test host)', async () => {
  const blobs = new MemoryBlobStore();
  const snapshots = new DirSnapshotter(blobs);
  const at = (key: string, path: string) => join(snapshots.dir(key), path);
  return {
    snapshots,
    blobs,
    fs: {
      async writeFile(key, path, content) {
        mkdirSync(dirname(at(key, path)), { recursive: true });
        writeFileSync(at(key, path), content);
      },
      async mkdir(key, path) {
        mkdirSync(at(key, path), { recursive: true });
      },
      async remove(key, path) {
        rmSync(at(key, path), { recursive: true, force: true });
      },
      async symlink(key, path, target) {
        symlinkSync(target, at(key, path));
      },
      async readFile(key, path) {
        try {
          return lstatSync(at(key, path)).isFile() ? new Uint8Array(readFileSync(at(key, path))) : undefined;
        } catch {
          return undefined;
        }
      },
    },
  };
});

runtimeSuite('node:wasi (test host)', async () => {
  const blobs = new MemoryBlobStore();
  const files = await boxLayoutFiles();
  const index = JSON.parse(new TextDecoder().decode(files.get('index.json')!));
  const manifest = JSON.parse(new TextDecoder().decode(files.get(`blobs/sha256/${index.manifests[0].digest.slice(7)}`)!));
  const layers: Digest[] = [];
  for (const l of manifest.layers) {
    const bytes = files.get(`blobs/sha256/${l.digest.slice(7)}`)!;
    await blobs.put({ digest: sha256(bytes) }, bytes);
    layers.push(sha256(bytes));
  }
  const snapshots = new DirSnapshotter(blobs);
  const volumes = new DirVolumes();
  const runtime = new NodeWasiRuntime(snapshots, volumes);
  let n = 0;
  return {
    runtime,
    snapshot: async () => {
      const key = `conformance-${++n}`;
      await snapshots.prepare(key, layers);
      return key;
    },
    dispose: () => {
      snapshots.dispose();
      rmSync(volumes.root, { recursive: true, force: true });
    },
  };
});
