/**
 * The engine worker's write-behind (worker/store/write-behind-metadata.ts) over a store that
 * records its transactions: reads see this engine's own writes at once; other engines (the store
 * underneath) get them in few transactions, in order, always before this tab's tenure ends.
 */
import { describe, expect, it } from 'vitest';
import { MemoryMetadataStore } from '../../../engine/memory/memory-metadata-store.ts';
import type { MetadataOp } from '../../../engine/ports.ts';
import { WriteBehindMetadata } from '../../../worker/store/write-behind-metadata.ts';
import { eventually } from '../core/support/run.ts';

function setup(options: { tenure?: number } = {}) {
  const inner = new MemoryMetadataStore();
  const transactions: string[][] = [];
  let failing: Error | undefined;
  const recorded = {
    get: inner.get.bind(inner),
    list: inner.list.bind(inner),
    async batch(ops: MetadataOp[]) {
      if (failing) throw failing;
      transactions.push(ops.map((o) => `${o.op} ${o.key}${o.op === 'put' ? `=${JSON.stringify(o.value)}` : ''}`));
      return inner.batch(ops);
    },
  };
  const commits: Array<() => Promise<void>> = [];
  const lock = { tenure: options.tenure as number | undefined };
  const tenure = { current: () => lock.tenure, beforeEnd: (commit: () => Promise<void>) => void commits.push(commit) };
  const store = new WriteBehindMetadata(recorded, tenure);
  const endTenure = async () => {
    for (const commit of commits) await commit();
    lock.tenure = undefined;
  };
  return { inner, store, transactions, endTenure, fail: (e: Error | undefined) => (failing = e) };
}

const put = (key: string, value: unknown, created?: boolean): MetadataOp => ({ op: 'put', bucket: 'containers', key, value, ...(created ? { created } : {}) });

describe('WriteBehindMetadata', () => {
  it('answers with a behind batch at once and commits the changes of a burst in one transaction', async () => {
    const { inner, store, transactions } = setup();
    await store.batch([put('c', { s: 'running' })], { behind: true });
    await store.batch([put('c', { s: 'exited' })], { behind: true });
    await store.batch([put('d', { s: 'running' })], { behind: true });
    expect(await store.get('containers', 'c')).toEqual({ s: 'exited' });
    expect(await store.list('containers')).toEqual([['c', { s: 'exited' }], ['d', { s: 'running' }]]);
    expect(await inner.get('containers', 'c')).toBeUndefined();
    await eventually(async () => transactions.length > 0);
    expect(transactions).toEqual([['put c={"s":"exited"}', 'put d={"s":"running"}']]);
    expect(await inner.list('containers')).toHaveLength(2);
  });

  it('commits the behind batches before a durable one, with it, before it resolves', async () => {
    const { inner, store, transactions } = setup();
    await store.batch([{ op: 'delete', bucket: 'containers', key: 'gone' }], { behind: true });
    await store.batch([put('kept', 1)]);
    expect(transactions).toEqual([['delete gone', 'put kept=1']]);
    expect(await inner.get('containers', 'kept')).toBe(1);
    await store.batch([]);
    expect(transactions).toHaveLength(1);
  });

  it('writes nothing of a record created and deleted behind within a tenure; the tenure end commits one that lives on', async () => {
    const { inner, store, transactions, endTenure } = setup({ tenure: 1 });
    await store.batch([put('short', { s: 'created' }, true)], { behind: true });
    await store.batch([put('short', { s: 'exited' })], { behind: true });
    await store.batch([{ op: 'delete', bucket: 'containers', key: 'short' }], { behind: true });
    await store.batch([put('long', { s: 'created' }, true)], { behind: true });
    expect(await store.get('containers', 'short')).toBeUndefined();
    expect(await store.get('containers', 'long')).toEqual({ s: 'created' });
    await endTenure();
    expect(transactions).toEqual([['put long={"s":"created"}']]);
    expect(await inner.get('containers', 'long')).toEqual({ s: 'created' });
  });

  it('commits a new record before it resolves when no tenure holds other tabs off', async () => {
    const { inner, store, transactions } = setup();
    await store.batch([put('new', 1, true)], { behind: true });
    expect(await inner.get('containers', 'new')).toBe(1);
    expect(transactions).toEqual([['put new=1']]);
  });

  it('keeps behind changes a transaction failed to commit and commits them with the next; a failed durable batch changes nothing', async () => {
    const { inner, store, transactions, fail } = setup();
    await store.batch([put('a', 1)], { behind: true });
    fail(new Error('quota'));
    await expect(store.batch([put('b', 2)])).rejects.toThrow('quota');
    expect(await store.get('containers', 'a')).toBe(1);
    expect(await store.get('containers', 'b')).toBeUndefined();
    fail(undefined);
    await store.batch([put('c', 3)]);
    expect(transactions).toEqual([['put a=1', 'put c=3']]);
    expect(await inner.list('containers')).toEqual([['a', 1], ['c', 3]]);
  });

  it('commits in the order batches were made: a behind change made after a durable batch is not overwritten by it', async () => {
    const { inner, store, transactions } = setup();
    const durable = store.batch([put('k', 'durable')]);
    await store.batch([put('k', 'later, behind')], { behind: true });
    await durable;
    expect(await store.get('containers', 'k')).toBe('later, behind');
    await store.flush();
    expect(transactions).toEqual([['put k="durable"'], ['put k="later, behind"']]);
    expect(await inner.get('containers', 'k')).toBe('later, behind');
  });

  it("refuses a value no store takes before it is queued, so it cannot block the next transaction", async () => {
    const { inner, store } = setup();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.batch([put('bad', cyclic)], { behind: true })).rejects.toMatchObject({ code: 'invalid-argument' });
    await store.batch([put('good', 1)]);
    expect(await inner.list('containers')).toEqual([['good', 1]]);
  });

  it('hands out copies and keeps its own: a caller changing a value changes neither', async () => {
    const { store } = setup();
    const value = { s: 'running' };
    await store.batch([put('x', value)], { behind: true });
    value.s = 'changed by the caller';
    const read = await store.get<{ s: string }>('containers', 'x');
    read!.s = 'changed by a reader';
    expect(await store.get('containers', 'x')).toEqual({ s: 'running' });
  });

  it('refuses an empty key before anything is queued', async () => {
    const { store } = setup();
    await expect(store.batch([put('', 1)], { behind: true })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await store.list('containers')).toEqual([]);
  });
});
