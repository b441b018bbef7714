import { blobStoreSuite } from '../../conformance/blob-store-suite.ts';
import { metadataStoreSuite } from '../../conformance/metadata-store-suite.ts';
import { logStoreSuite } from '../../conformance/log-store-suite.ts';
import { MemoryBlobStore, MemoryLogStore, MemoryMetadataStore } from '../../../engine/memory/index.ts';

blobStoreSuite('memory', async () => new MemoryBlobStore(), {
  corrupt: async (store, digest) => (store as MemoryBlobStore).corruptForTest(digest),
});
metadataStoreSuite('memory', async () => new MemoryMetadataStore());
logStoreSuite('memory', async () => new MemoryLogStore());
