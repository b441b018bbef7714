import type { Bucket, MetadataStore } from '../../engine/ports.ts';
import { TenureCache } from './tenure-cache.ts';
import type { Tenure } from './tenure.ts';
import { WriteBehindMetadata } from './write-behind-metadata.ts';

/** Buckets only writer operations (the `writers` of withWriterLock, worker/engine-methods.ts) change. */
const STABLE_BUCKETS: Bucket[] = ['tags'];

/**
 * The MetadataStore of an engine that shares its database with other tabs, under `tenure` (the
 * writer lease): batches marked `behind` are written behind (write-behind-metadata.ts), and what
 * no other tab can change during a tenure is read from memory (tenure-cache.ts). One promise to
 * the core, the port's: reads see this engine's own writes. Other tabs see them once committed:
 * durable batches at once, the rest within WRITE_BEHIND_MS and always before this tab's tenure ends.
 */
export function tabMetadata(inner: MetadataStore, tenure: Tenure): MetadataStore {
  return new TenureCache(new WriteBehindMetadata(inner, tenure), tenure, STABLE_BUCKETS);
}
