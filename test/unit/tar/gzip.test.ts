import { describe, it, expect } from 'vitest';
import { gzipSync } from 'fflate';
import { gunzip, gunzipBytes, isGzip } from '../../../engine/tar/gzip.ts';

const enc = new TextEncoder();

describe('gzip', () => {
  it('recognises gzip by its magic bytes', () => {
    expect(isGzip(gzipSync(enc.encode('x')))).toBe(true);
    expect(isGzip(enc.encode('ustar'))).toBe(false);
    expect(isGzip(new Uint8Array(1))).toBe(false);
  });

  it('round-trips, single and multi-member', async () => {
    const one = gzipSync(enc.encode('hello '));
    expect(await gunzipBytes(one)).toEqual(enc.encode('hello '));
    expect(await gunzipBytes(new Uint8Array([...one, ...one]))).toEqual(enc.encode('hello hello '));
  });

  it('HOSTILE 11: a 1000x expansion bomb is stopped by the output budget, before it is all inflated', async () => {
    const full = 16 * 1024 * 1024;
    const bomb = gzipSync(new Uint8Array(full));
    expect(full / bomb.length).toBeGreaterThan(1000);
    const budget = bomb.length * 100;
    let seen = 0;
    await expect(
      (async () => {
        for await (const chunk of gunzip(bomb, { maxOutputBytes: budget })) seen += chunk.length;
      })(),
    ).rejects.toMatchObject({ code: 'resource-exhausted', message: expect.stringMatching(/maxOutputBytes/) });
    expect(seen).toBeLessThanOrEqual(budget);
    expect(seen).toBeLessThan(full);
  });

  it('truncated or corrupt gzip is invalid content', async () => {
    const gz = gzipSync(enc.encode('some layer bytes '.repeat(100)));
    for (const cut of [1, 8, 20]) {
      await expect(gunzipBytes(gz.subarray(0, gz.length - cut))).rejects.toMatchObject({ code: 'invalid-content' });
    }
    const flipped = gz.slice();
    flipped[gz.length - 6] ^= 0xff;
    await expect(gunzipBytes(flipped)).rejects.toMatchObject({ code: 'invalid-content' });
    await expect(gunzipBytes(enc.encode('plain text'))).rejects.toMatchObject({ code: 'invalid-content', message: expect.stringMatching(/missing gzip header/) });
  });
});
