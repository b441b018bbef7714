export { MemoryBlobStore } from './memory-blob-store.ts';
export { MemoryMetadataStore } from './memory-metadata-store.ts';
export { MemoryLogStore } from './memory-log-store.ts';
