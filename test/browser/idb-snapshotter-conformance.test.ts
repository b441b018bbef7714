/**
 * The Snapshotter conformance suite against the browser host's IndexedDB snapshotter, in Chromium
 * with a real IndexedDB. A container changes its files in a process Worker, which hands the
 * snapshotter what changed (`record`, a RootDelta) and is given the merged root to run on (`root`):
 * the suite's file operations go through exactly those two calls.
 */
import { snapshotterSuite } from '../conformance/snapshotter-suite.ts';
import type { FsNode } from '../../engine/ports.ts';
import { freshStores } from './fresh-stores.ts';

snapshotterSuite('IndexedDB', async () => {
  const { blobs, snapshots } = await freshStores('snapshotter-conformance');
  const write = (key: string, path: string, node: FsNode) => snapshots.record(key, { written: [[path, node]], removed: [] }, []);
  return {
    snapshots,
    blobs,
    fs: {
      writeFile: (key, path, content) => write(key, path, { type: 'file', mode: 0o644, content }),
      mkdir: (key, path) => write(key, path, { type: 'dir', mode: 0o755 }),
      symlink: (key, path, target) => write(key, path, { type: 'symlink', target }),
      remove: (key, path) => snapshots.record(key, { written: [], removed: [path] }, []),
      async readFile(key, path) {
        const node = (await snapshots.root(key, [])).entries.find(([p]) => p === path)?.[1];
        return node?.type === 'file' ? node.content : undefined;
      },
    },
  };
});
