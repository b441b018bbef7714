/**
 * Reads kept within one writer tenure (worker/store/tenure-cache.ts): what another engine could
 * not have changed is read once; this engine's own writes and a new tenure are seen.
 */
import { describe, expect, it } from 'vitest';
import { MemoryMetadataStore } from '../../../engine/memory/memory-metadata-store.ts';
import { TenureCache } from '../../../worker/store/tenure-cache.ts';
import type { Bucket, MetadataOp } from '../../../engine/ports.ts';

/** A store that counts reads, under a tenure the test moves. */
function setup() {
  const inner = new MemoryMetadataStore();
  const reads: string[] = [];
  const counted = {
    get: <T>(bucket: Bucket, key: string) => (reads.push(`${bucket}/${key}`), inner.get<T>(bucket, key)),
    list: <T>(bucket: Bucket) => (reads.push(`list ${bucket}`), inner.list<T>(bucket)),
    batch: (ops: MetadataOp[]) => inner.batch(ops),
  };
  const lock = { tenure: 1 as number | undefined };
  const cached = new TenureCache(counted, { current: () => lock.tenure, beforeEnd: () => {} }, ['tags']);
  return { inner, reads, lock, cached };
}

describe('TenureCache: stable buckets', () => {
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

describe('TenureCache: records this engine created', () => {
  it('reads a record it created from memory, as it last wrote it, until the tenure ends', async () => {
    const { inner, reads, lock, cached } = setup();
    await cached.batch([{ op: 'put', bucket: 'containers', key: 'new', value: { state: 'created' }, created: true }]);
    expect(await cached.get('containers', 'new')).toEqual({ state: 'created' });
    await cached.batch([{ op: 'put', bucket: 'containers', key: 'new', value: { state: 'running' } }]);
    expect(await cached.get('containers', 'new')).toEqual({ state: 'running' });
    expect(reads).toEqual([]);
    // Another tab's tenure: it removed the container. This tab's next tenure reads the store.
    await inner.batch([{ op: 'delete', bucket: 'containers', key: 'new' }]);
    lock.tenure = 2;
    expect(await cached.get('containers', 'new')).toBeUndefined();
    expect(reads).toEqual(['containers/new']);
  });

  it('keeps nothing of a record written without `created`, or created outside a tenure', async () => {
    const { reads, lock, cached } = setup();
    await cached.batch([{ op: 'put', bucket: 'containers', key: 'old', value: { n: 1 } }]);
    await cached.get('containers', 'old');
    lock.tenure = undefined;
    await cached.batch([{ op: 'put', bucket: 'containers', key: 'untenured', value: { n: 2 }, created: true }]);
    lock.tenure = 1;
    expect(await cached.get('containers', 'untenured')).toEqual({ n: 2 });
    expect(reads).toEqual(['containers/old', 'containers/untenured']);
  });
});

describe('TenureCache: lists that may lag', () => {
  it('lists once per tenure with this engine\'s writes applied; a list that may not lag reads the store', async () => {
    const { inner, reads, lock, cached } = setup();
    await inner.batch([{ op: 'put', bucket: 'containers', key: 'b', value: { name: 'other tab' } }]);
    expect(await cached.list('containers', { mayLag: true })).toEqual([['b', { name: 'other tab' }]]);
    await cached.batch([{ op: 'put', bucket: 'containers', key: 'a', value: { name: 'mine' }, created: true }]);
    await cached.batch([{ op: 'delete', bucket: 'containers', key: 'b' }]);
    await cached.batch([{ op: 'put', bucket: 'containers', key: 'c', value: { name: 'mine too' } }]);
    expect(await cached.list('containers', { mayLag: true })).toEqual([
      ['a', { name: 'mine' }],
      ['c', { name: 'mine too' }],
    ]);
    expect(reads).toEqual(['list containers']);
    // A change another engine makes meanwhile (its --rm container removed) is what may lag...
    await inner.batch([{ op: 'delete', bucket: 'containers', key: 'c' }]);
    expect(await cached.list('containers', { mayLag: true })).toHaveLength(2);
    // ... and what a list that may not lag sees; so does the next tenure.
    expect(await cached.list('containers')).toEqual([['a', { name: 'mine' }]]);
    lock.tenure = 2;
    expect(await cached.list('containers', { mayLag: true })).toEqual([['a', { name: 'mine' }]]);
    expect(reads).toEqual(['list containers', 'list containers', 'list containers']);
  });

  it('keeps no list read while a write of its bucket was under way, nor any without a tenure', async () => {
    const { reads, lock, cached } = setup();
    const listed = cached.list('containers', { mayLag: true });
    const written = cached.batch([{ op: 'put', bucket: 'containers', key: 'x', value: 1 }]);
    await Promise.all([listed, written]);
    expect(await cached.list('containers', { mayLag: true })).toEqual([['x', 1]]);
    lock.tenure = undefined;
    await cached.list('containers', { mayLag: true });
    expect(reads).toEqual(['list containers', 'list containers', 'list containers']);
  });

  it('forgets what it kept of a batch the store refused', async () => {
    const { inner, reads, cached } = setup();
    await inner.batch([{ op: 'put', bucket: 'containers', key: 'b', value: 1 }]);
    await cached.list('containers', { mayLag: true });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(cached.batch([{ op: 'put', bucket: 'containers', key: 'a', value: cyclic, created: true }])).rejects.toThrow();
    expect(await cached.list('containers', { mayLag: true })).toEqual([['b', 1]]);
    expect(await cached.get('containers', 'a')).toBeUndefined();
    expect(reads).toEqual(['list containers', 'list containers', 'containers/a']);
  });
});
