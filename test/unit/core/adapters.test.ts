/**
 * The Snapshotter conformance suite against the core tests' directory snapshotter
 * (support/dir-snapshotter.ts), so the core's tests stand on a snapshotter that behaves as the
 * hosts' do. The Runtime suite runs only against production runtimes: the browser's in Chromium
 * (test/browser/wasi-runtime-conformance.test.ts) and runc (test/kernel/runtime-suite.ts).
 */
import { mkdirSync, writeFileSync, rmSync, symlinkSync, readFileSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { snapshotterSuite } from '../../conformance/snapshotter-suite.ts';
import { MemoryBlobStore } from '../../../engine/memory/index.ts';
import { DirSnapshotter } from './support/dir-snapshotter.ts';

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
