/**
 * The Runtime conformance suite against the browser host's runtime, in Chromium: WasiRuntime with
 * real process Workers over the IndexedDB snapshotter and blob store, running the shipped box image
 * (images/layouts/box, served by the built-in registry's dev-server middleware).
 */
import { runtimeSuite } from '../conformance/runtime-suite.ts';
import { sha256 } from '../../engine/oci/digest.ts';
import type { Digest } from '../../engine/ports.ts';
import { WasiRuntime } from '../../worker/runtime/wasi-runtime.ts';
import { freshStores } from './fresh-stores.ts';

// As the site serves them to the engine (worker/registry-plugin.ts, added to the browser project).
const LAYOUT = '/registry/box';

async function layoutBlob(digest: string): Promise<Uint8Array> {
  const response = await fetch(`${LAYOUT}/blobs/sha256/${digest.slice('sha256:'.length)}`);
  if (!response.ok) throw new Error(`box layout blob ${digest}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function json(bytes: Uint8Array): Promise<{ manifests: Array<{ digest: string }>; layers: Array<{ digest: string }> }> {
  return JSON.parse(new TextDecoder().decode(bytes));
}

runtimeSuite('browser (WasiRuntime, process Workers, IndexedDB)', async () => {
  const { db, blobs, snapshots } = await freshStores('runtime-conformance');
  const runtime = new WasiRuntime(snapshots);
  snapshots.live = (key) => runtime.liveDelta(key);

  const index = await json(new Uint8Array(await (await fetch(`${LAYOUT}/index.json`)).arrayBuffer()));
  const manifest = await json(await layoutBlob(index.manifests[0].digest));
  const layers: Digest[] = [];
  for (const layer of manifest.layers) {
    const bytes = await layoutBlob(layer.digest);
    const digest = sha256(bytes);
    await blobs.put({ digest, size: bytes.length }, bytes);
    layers.push(digest);
  }
  let containers = 0;
  return {
    runtime,
    snapshot: async () => {
      const key = `conformance-${++containers}`;
      await snapshots.prepare(key, layers);
      return key;
    },
    dispose: () => {
      void runtime.pool.close();
      db.close();
    },
  };
});
