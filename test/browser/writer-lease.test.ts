/**
 * The cross-tab writer lock held as a lease (worker/store/writer-lease.ts), with real Web Locks: two
 * leases on one lock name stand for two tabs. What the store layers rely on (worker/store/tenure.ts):
 * a tenure number while held, none after, and its commits (records written behind) done before the
 * other tab may write.
 */
import { describe, expect, it } from 'vitest';
import { WriterLease } from '../../worker/store/writer-lease.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WriterLease', () => {
  it('holds a tenure while its operations follow each other, and none once it gave the lock back', async () => {
    const lease = new WriterLease(`lease-${Math.random()}`);
    expect(lease.current()).toBeUndefined();
    const first = await lease.run(async () => lease.current());
    const second = await lease.run(async () => lease.current());
    expect(first).toBeTypeOf('number');
    expect(second).toBe(first);
    await sleep(100);
    expect(lease.current()).toBeUndefined();
    expect(await lease.run(async () => lease.current())).not.toBe(first);
  });

  it("runs its commits before another tab's operation gets the lock", async () => {
    const name = `lease-${Math.random()}`;
    const a = new WriterLease(name);
    const b = new WriterLease(name);
    const order: string[] = [];
    a.beforeEnd(async () => {
      order.push('a commits');
      await sleep(50);
      order.push('a committed');
    });
    await a.run(async () => order.push('a writes'));
    await b.run(async () => order.push(`b writes, a tenure: ${a.current()}`));
    expect(order).toEqual(['a writes', 'a commits', 'a committed', 'b writes, a tenure: undefined']);
  });
});
