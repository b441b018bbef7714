import { canonicalJson } from '../oci/canonical-json.ts';
import { sha256 } from '../oci/digest.ts';
import type { Digest } from '../ports.ts';
import { rfc3339Nano } from './clock.ts';
import type { Core } from './context.ts';
import type { BuildCacheRecord } from './records.ts';

/**
 * The layer cache of builds, keyed like Docker's legacy builder: the parent image ID plus the
 * step as it is recorded in history (`created_by`: the instruction text, and for COPY/ADD the
 * digest of the copied content) plus the environment the step runs with. A hit needs every blob
 * of the cached result still present; otherwise it is a miss, never an error.
 */
export function cacheKey(parent: string, createdBy: string, env: string[]): string {
  return sha256(new TextEncoder().encode(canonicalJson({ parent, createdBy, env }))).slice(7);
}

export async function lookupCache(core: Core, key: string): Promise<BuildCacheRecord | undefined> {
  const record = await core.ports.metadata.get<BuildCacheRecord>('build-cache', key);
  if (!record) return undefined;
  for (const d of [record.imageId, ...record.layers]) if (!(await core.ports.blobs.has(d))) return undefined;
  return record;
}

export async function storeCache(core: Core, key: string, imageId: Digest, layers: Digest[]): Promise<void> {
  const record: BuildCacheRecord = { imageId, layers: [...layers], createdAt: rfc3339Nano(core.now()) };
  await core.ports.metadata.batch([{ op: 'put', bucket: 'build-cache', key, value: record }]);
}
