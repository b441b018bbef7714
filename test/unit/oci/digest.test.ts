import { describe, it, expect } from 'vitest';
import { DigestHasher, DigestVerifier, parseDigest, sha256, shortId, verifyBytes } from '../../../engine/oci/digest.ts';
import { canonicalJson, encodeCanonical } from '../../../engine/oci/canonical-json.ts';

const enc = new TextEncoder();
const EMPTY = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('digests', () => {
  it('hashes like sha256sum', () => {
    expect(sha256(new Uint8Array(0))).toBe(EMPTY);
    expect(sha256(enc.encode('abc'))).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('streaming gives the same digest as one-shot, however the bytes are split', () => {
    const data = new Uint8Array(200_003).map((_, i) => (i * 31) % 251);
    for (const step of [1_000, 4_096, 65_536, 200_003]) {
      const h = new DigestHasher();
      for (let i = 0; i < data.length; i += step) h.update(data.subarray(i, i + step));
      expect(h.size).toBe(data.length);
      expect(h.digest()).toBe(sha256(data));
    }
  });

  it('shortId is the first 12 hex digits, as docker images shows', () => {
    expect(shortId(EMPTY)).toBe('e3b0c44298fc');
  });

  it('HOSTILE 17: malformed digests are refused with a clear message', () => {
    const cases: [string, RegExp][] = [
      ['sha256:../../x', /hex part contains characters other than 0-9 a-f/],
      ['sha256:' + 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', /hex must be lowercase/],
      ['md5:d41d8cd98f00b204e9800998ecf8427e', /unsupported digest algorithm "md5"/],
      ['sha512:' + 'a'.repeat(128), /unsupported digest algorithm "sha512"/],
      ['sha256:abc', /needs 64 hex digits, got 3/],
      [EMPTY + '0', /got 65/],
      ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', /expected "sha256:"/],
      ['', /expected "sha256:"/],
    ];
    for (const [input, message] of cases) {
      expect(() => parseDigest(input), input).toThrow(message);
      try {
        parseDigest(input);
      } catch (e) {
        expect((e as { code: string }).code).toBe('invalid-argument');
      }
    }
    expect(parseDigest(EMPTY)).toBe(EMPTY);
  });

  it('HOSTILE 13, 14: verification catches wrong bytes and wrong sizes', () => {
    const data = enc.encode('layer');
    expect(() => verifyBytes(data, sha256(data))).not.toThrow();
    expect(() => verifyBytes(enc.encode('other'), sha256(data))).toThrow(/digest mismatch/);
    expect(() => verifyBytes(data, { mediaType: 'x', digest: sha256(data), size: 4 })).toThrow(/expected 4 bytes, got 5/);
  });

  it('HOSTILE 14: a streamed body longer than its descriptor is stopped at size+1', () => {
    const data = enc.encode('0123456789');
    const v = new DigestVerifier({ mediaType: 'x', digest: sha256(data), size: 10 });
    v.update(data.subarray(0, 10));
    expect(() => v.update(enc.encode('!'))).toThrow(/more than the expected 10 bytes/);
    const short = new DigestVerifier({ mediaType: 'x', digest: sha256(data), size: 10 });
    short.update(data.subarray(0, 9));
    expect(() => short.verify()).toThrow(/expected 10 bytes, got 9/);
    const ok = new DigestVerifier({ mediaType: 'x', digest: sha256(data), size: 10 });
    expect(ok.update(data).verify()).toBe(sha256(data));
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level and drops whitespace and undefined', () => {
    expect(canonicalJson({ b: 1, a: { z: [3, { y: true, x: null }], c: 'é' }, u: undefined })).toBe('{"a":{"c":"é","z":[3,{"x":null,"y":true}]},"b":1}');
  });

  it('equal content gives equal bytes whatever the key order', () => {
    expect(encodeCanonical({ os: 'wasi', architecture: 'wasm' })).toEqual(encodeCanonical({ architecture: 'wasm', os: 'wasi' }));
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: NaN })).toThrow(/not a JSON number/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
  });
});
