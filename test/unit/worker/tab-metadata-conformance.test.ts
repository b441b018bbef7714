/**
 * The MetadataStore conformance suite against the engine worker's tab layers
 * (worker/store/tab-metadata.ts) over the memory store, in Node: with a tenure held throughout
 * (every cache on) and with none. In Chromium over IndexedDB: test/browser/idb-conformance.test.ts.
 */
import { MemoryMetadataStore } from '../../../engine/memory/memory-metadata-store.ts';
import { tabMetadata } from '../../../worker/store/tab-metadata.ts';
import { metadataStoreSuite } from '../../conformance/metadata-store-suite.ts';

metadataStoreSuite('tab layers over memory, in a tenure', async () => tabMetadata(new MemoryMetadataStore(), { current: () => 1, beforeEnd: () => {} }));
metadataStoreSuite('tab layers over memory, without a tenure', async () => tabMetadata(new MemoryMetadataStore(), { current: () => undefined, beforeEnd: () => {} }));
