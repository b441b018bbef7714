/**
 * The LogStore conformance suite: every adapter runs it.
 *
 *   logStoreSuite('IndexedDB', async () => openIdbLogStore(freshName()));
 */
import { describe, it, expect } from 'vitest';
import type { LogEntry, LogStore } from '../../engine/ports.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function entry(stream: 'stdout' | 'stderr', text: string, n: number): LogEntry {
  return { stream, time: `2025-01-01T00:00:${String(n % 60).padStart(2, '0')}.${String(n).padStart(9, '0')}Z`, data: enc(text) };
}

export function logStoreSuite(name: string, make: () => Promise<LogStore>): void {
  describe(`LogStore conformance: ${name}`, () => {
    it('reads back what was appended, in order, with stream and time', async () => {
      const store = await make();
      await store.append('c1', [entry('stdout', 'one\n', 1), entry('stderr', 'two\n', 2)]);
      await store.append('c1', [entry('stdout', 'three\n', 3)]);
      const read = await store.read('c1');
      expect(read.map((e) => [e.stream, dec(e.data), e.time])).toEqual([
        ['stdout', 'one\n', entry('stdout', '', 1).time],
        ['stderr', 'two\n', entry('stdout', '', 2).time],
        ['stdout', 'three\n', entry('stdout', '', 3).time],
      ]);
    });

    it('keeps containers apart and reads an unknown one as empty', async () => {
      const store = await make();
      await store.append('a', [entry('stdout', 'for a', 1)]);
      await store.append('b', [entry('stdout', 'for b', 2)]);
      expect((await store.read('a')).map((e) => dec(e.data))).toEqual(['for a']);
      expect(await store.read('never')).toEqual([]);
    });

    it('returns everything appended before read was called, even with many small appends in flight', async () => {
      const store = await make();
      const appends: Promise<void>[] = [];
      for (let i = 0; i < 200; i++) appends.push(store.append('busy', [entry(i % 2 ? 'stderr' : 'stdout', `line ${i}\n`, i)]));
      await Promise.all(appends);
      const read = await store.read('busy');
      expect(read.map((e) => dec(e.data))).toEqual(Array.from({ length: 200 }, (_, i) => `line ${i}\n`));
    });

    it('keeps binary data byte for byte, including invalid UTF-8 and empty chunks', async () => {
      const store = await make();
      const raw = new Uint8Array([0, 0xff, 0xfe, 10, 13, 0xc3]);
      await store.append('bin', [{ stream: 'stdout', time: entry('stdout', '', 0).time, data: raw }, { stream: 'stderr', time: entry('stdout', '', 1).time, data: new Uint8Array(0) }]);
      const read = await store.read('bin');
      expect(Array.from(read[0].data)).toEqual(Array.from(raw));
      expect(read[1].data.length).toBe(0);
    });

    it('is not changed by the caller editing appended or read buffers', async () => {
      const store = await make();
      const data = enc('original');
      await store.append('c', [{ stream: 'stdout', time: entry('stdout', '', 0).time, data }]);
      data[0] = 0;
      (await store.read('c'))[0].data[1] = 0;
      expect(dec((await store.read('c'))[0].data)).toBe('original');
    });

    it('deletes a log; deleting a missing one is not an error', async () => {
      const store = await make();
      await store.append('gone', [entry('stdout', 'x', 1)]);
      await store.delete('gone');
      await store.delete('gone');
      await store.delete('never-existed');
      expect(await store.read('gone')).toEqual([]);
    });
  });
}
