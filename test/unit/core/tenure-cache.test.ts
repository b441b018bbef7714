/**
 * Tag reads kept within one writer tenure (engine/core/tenure-cache.ts): what another engine
 * could not have changed is read once; this engine's own writes and a new tenure are seen.
 */
import { describe, expect, it } from 'vitest';
import { MemoryMetadataStore } from '../../../engine/memory/memory-metadata-store.ts';
import { TenureCachedMetadata } from '../../../engine/core/tenure-cache.ts';
import type { Bucket, MetadataOp } from '../../../engine/ports.ts';

/** A store that counts reads, under a tenure the test moves. */
function setup() {
  const inner = new MemoryMetadataStore();
  const reads: string[] = [];
  const counted = {
    get: <T>(bucket: Bucket, key: string) => (reads.push(`${bucket}/${key}`), inner.get<T>(bucket, key)),
    list: <T>(bucket: Bucket) => inner.list<T>(bucket),
    batch: (ops: MetadataOp[]) => inner.batch(ops),
  };
  const lock = { tenure: 1 as number | undefined };
  const cached = new TenureCachedMetadata(counted, () => lock.tenure, ['tags']);
  return { inner, reads, lock, cached };
}

describe('TenureCachedMetadata', () => {
  it('reads a tag once per tenure, and again in the next', async () => {
    const { inner, reads, lock, cached } = setup();
    await inner.batch([{ op: 'put', bucket: 'tags', key: 'box:latest', value: 'sha256:a' }]);
    expect(await cached.get('tags', 'box:latest')).toBe('sha256:a');
    expect(await cached.get('tags', 'box:latest')).toBe('sha256:a');
    expect(reads).toEqual(['tags/box:latest']);
    // Another tab held the lock in between and retagged: the new tenure reads the store.
    await inner.batch([{ op: 'put', bucket: 'tags', key: 'box:latest', value: 'sha256:b' }]);
    lock.tenure = 2;
    expect(await cached.get('tags', 'box:latest')).toBe('sha256:b');
    expect(reads).toHaveLength(2);
  });

  it("sees this engine's own writes at once, a tag that is not there too", async () => {
    const { reads, cached } = setup();
    expect(await cached.get('tags', 'x:1')).toBeUndefined();
    expect(await cached.get('tags', 'x:1')).toBeUndefined();
    expect(reads).toHaveLength(1);
    await cached.batch([{ op: 'put', bucket: 'tags', key: 'x:1', value: 'sha256:c' }]);
    expect(await cached.get('tags', 'x:1')).toBe('sha256:c');
    await cached.batch([{ op: 'delete', bucket: 'tags', key: 'x:1' }]);
    expect(await cached.get('tags', 'x:1')).toBeUndefined();
  });

  it('keeps nothing without a tenure, nor buckets other engines write at any time', async () => {
    const { inner, reads, lock, cached } = setup();
    await inner.batch([{ op: 'put', bucket: 'containers', key: 'c', value: { n: 1 } }]);
    await cached.get('containers', 'c');
    await cached.get('containers', 'c');
    lock.tenure = undefined;
    await cached.get('tags', 't');
    await cached.get('tags', 't');
    expect(reads).toEqual(['containers/c', 'containers/c', 'tags/t', 'tags/t']);
  });

  it('does not keep a read that overlapped a write of the same bucket', async () => {
    const { inner, reads, cached } = setup();
    await inner.batch([{ op: 'put', bucket: 'tags', key: 'y:1', value: 'sha256:old' }]);
    const read = cached.get('tags', 'y:1');
    const write = cached.batch([{ op: 'put', bucket: 'tags', key: 'y:1', value: 'sha256:new' }]);
    await Promise.all([read, write]);
    expect(await cached.get('tags', 'y:1')).toBe('sha256:new');
    expect(reads).toHaveLength(2);
  });

  it('hands out copies: a caller changing a value does not change what is kept', async () => {
    const { inner, cached } = setup();
    await inner.batch([{ op: 'put', bucket: 'tags', key: 'z:1', value: { id: 'sha256:z' } }]);
    const first = await cached.get<{ id: string }>('tags', 'z:1');
    first!.id = 'changed';
    expect(await cached.get('tags', 'z:1')).toEqual({ id: 'sha256:z' });
  });
});
