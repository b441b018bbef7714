import { describe, it, expect } from 'vitest';
import { gzipSync } from 'fflate';
import { appendLayer, buildImage, emptyImage, imageFrom, setConfig, uncompressedLayer } from '../../../engine/oci/image-builder.ts';
import { assertValidImage, parseConfig, parseImageDocument, parseIndex, parseManifest, validateImage } from '../../../engine/oci/validate.ts';
import { sha256, type Digest } from '../../../engine/oci/digest.ts';
import { MediaType } from '../../../engine/oci/media-types.ts';
import { encodeCanonical } from '../../../engine/oci/canonical-json.ts';
import { writeTar } from '../../../engine/tar/tar-writer.ts';

const enc = new TextEncoder();
const layerA = writeTar([{ type: 'file', path: 'bin/sh', mode: 0o755, content: enc.encode('\0asm') }]);
const layerB = writeTar([{ type: 'file', path: 'app/main.wasm', content: enc.encode('\0asm app') }]);

function sampleImage() {
  let image = emptyImage();
  image = appendLayer(image, uncompressedLayer(layerA), { created_by: 'COPY sh /bin/sh' });
  image = setConfig(image, { Entrypoint: ['/bin/sh'], Env: ['PATH=/bin'] }, { created_by: 'ENTRYPOINT ["/bin/sh"]' });
  return appendLayer(image, uncompressedLayer(layerB), { created_by: 'COPY app /app' });
}

function blobs(...items: Uint8Array[]): (d: Digest) => Promise<Uint8Array | undefined> {
  const map = new Map(items.map((b) => [sha256(b), b]));
  return async (d) => map.get(d);
}

describe('image builder', () => {
  it('builds a wasi/wasm config whose digest is the image ID, reproducibly', () => {
    const built = buildImage(sampleImage());
    expect(built.config).toMatchObject({ os: 'wasi', architecture: 'wasm', rootfs: { type: 'layers', diff_ids: [sha256(layerA), sha256(layerB)] } });
    expect(built.config.history?.map((h) => h.empty_layer ?? false)).toEqual([false, true, false]);
    expect(built.id).toBe(sha256(built.configBytes));
    expect(built.manifest.layers.map((l) => l.mediaType)).toEqual([MediaType.ociLayer, MediaType.ociLayer]);
    expect(buildImage(sampleImage()).manifestBytes).toEqual(built.manifestBytes);
  });

  it('never edits its input', () => {
    const before = emptyImage();
    const snapshot = structuredClone(before);
    appendLayer(before, uncompressedLayer(layerA), { created_by: 'x' });
    setConfig(before, { Cmd: ['x'] }, { created_by: 'CMD x' });
    expect(before).toEqual(snapshot);
  });

  it('round-trips through parse and imageFrom', () => {
    const built = buildImage(sampleImage());
    const again = imageFrom(parseManifest(built.manifestBytes), parseConfig(built.configBytes));
    expect(buildImage(again).id).toBe(built.id);
  });
});

describe('validation of documents', () => {
  const built = buildImage(sampleImage());

  it('HOSTILE 16: a document with both manifests and layers is refused', () => {
    const both = encodeCanonical({ ...built.manifest, manifests: [] });
    expect(() => parseManifest(both)).toThrow(/both "manifests" and "layers"/);
    expect(() => parseIndex(both)).toThrow(/both "manifests" and "layers"/);
    expect(() => parseImageDocument(both)).toThrow(/both/);
  });

  it('HOSTILE 16: a body media type that differs from the one it was fetched as is refused', () => {
    expect(() => parseManifest(built.manifestBytes, { mediaType: MediaType.dockerManifest })).toThrow(/differs from/);
    expect(() => parseImageDocument(built.manifestBytes, { mediaType: MediaType.ociIndex })).toThrow(/mediaType .* is not a index type/);
    expect(parseImageDocument(built.manifestBytes).kind).toBe('manifest');
  });

  it('HOSTILE 13: a manifest that does not match its descriptor is refused', () => {
    const tampered = encodeCanonical({ ...built.manifest, annotations: { evil: '1' } });
    expect(() => parseManifest(tampered, { descriptor: built.manifestDescriptor })).toThrow(/mismatch/);
  });

  it('refuses malformed descriptors, unknown layer types and non-image configs', () => {
    const withLayer = (layer: unknown) => encodeCanonical({ ...built.manifest, layers: [layer] });
    expect(() => parseManifest(withLayer({ mediaType: MediaType.ociLayer, digest: 'sha256:../../x', size: 1 }))).toThrow(/layers\[0\]: invalid digest/);
    expect(() => parseManifest(withLayer({ mediaType: MediaType.ociLayer, digest: sha256(layerA), size: -1 }))).toThrow(/invalid size/);
    expect(() => parseManifest(withLayer({ mediaType: 'text/plain', digest: sha256(layerA), size: 1 }))).toThrow(/unsupported mediaType "text\/plain"/);
    expect(() => parseManifest(encodeCanonical({ ...built.manifest, config: { ...built.manifest.config, mediaType: 'application/x-helm' } }))).toThrow(/not an image config/);
    expect(() => parseManifest(enc.encode('{nope'))).toThrow(/not JSON/);
    expect(() => parseConfig(enc.encode('{"os":"wasi","architecture":"wasm","rootfs":{"type":"layers","diff_ids":["sha256:X"]}}'))).toThrow(/diff_ids\[0\]/);
  });

  it('accepts Docker schema2 documents on read', () => {
    const docker = encodeCanonical({ ...built.manifest, mediaType: MediaType.dockerManifest, config: { ...built.manifest.config, mediaType: MediaType.dockerConfig }, layers: [{ mediaType: MediaType.dockerLayerGzip, digest: sha256(layerA), size: 1 }] });
    expect(parseImageDocument(docker, { mediaType: MediaType.dockerManifest }).kind).toBe('manifest');
  });
});

describe('validateImage', () => {
  it('passes a good image, gzip layers included', async () => {
    const gz = gzipSync(layerB);
    let image = appendLayer(emptyImage(), uncompressedLayer(layerA));
    image = appendLayer(image, { descriptor: { mediaType: MediaType.ociLayerGzip, digest: sha256(gz), size: gz.length }, diffId: sha256(layerB) });
    const built = buildImage(image);
    expect(await validateImage({ manifestBytes: built.manifestBytes, manifestDescriptor: built.manifestDescriptor, getBlob: blobs(built.configBytes, layerA, gz) })).toEqual([]);
  });

  it('HOSTILE 18: reports every diff_id mismatch and missing blob at once', async () => {
    const wrong = structuredClone(sampleImage());
    wrong.config.rootfs.diff_ids = [sha256(layerB), sha256(layerA)];
    const built = buildImage(wrong);
    const problems = await validateImage({ manifestBytes: built.manifestBytes, getBlob: blobs(built.configBytes, layerA, layerB) });
    expect(problems).toEqual([
      `layer 0: diff_id mismatch: config says ${sha256(layerB)}, the content is ${sha256(layerA)}`,
      `layer 1: diff_id mismatch: config says ${sha256(layerA)}, the content is ${sha256(layerB)}`,
    ]);
    await expect(assertValidImage({ manifestBytes: built.manifestBytes, getBlob: blobs(built.configBytes) })).rejects.toMatchObject({
      code: 'invalid-content',
      message: expect.stringMatching(/layer 0 \(sha256:[0-9a-f]+\): missing\n {2}layer 1 .*: missing/),
    });
  });

  it('HOSTILE 18: a config with fewer diff_ids than layers is refused', async () => {
    const built = buildImage(sampleImage());
    const config = { ...built.config, rootfs: { type: 'layers', diff_ids: [sha256(layerA)] } };
    const configBytes = encodeCanonical(config);
    const manifestBytes = encodeCanonical({ ...built.manifest, config: { ...built.manifest.config, digest: sha256(configBytes), size: configBytes.length } });
    const problems = await validateImage({ manifestBytes, getBlob: blobs(configBytes, layerA, layerB) });
    expect(problems).toEqual(['config: invalid image: config has 1 diff_ids but the manifest has 2 layers']);
  });

  it('HOSTILE 13, 12: wrong blob bytes and gzip declared as tar are reported', async () => {
    const gz = gzipSync(layerA);
    const image = appendLayer(emptyImage(), { descriptor: { mediaType: MediaType.ociLayer, digest: sha256(gz), size: gz.length }, diffId: sha256(gz) });
    const built = buildImage(image);
    const problems = await validateImage({ manifestBytes: built.manifestBytes, getBlob: blobs(built.configBytes, gz) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/layer 0: invalid tar: gzip-compressed data where an uncompressed tar was expected/);
    const liar = async (d: Digest) => (d === sha256(gz) ? layerA : built.configBytes);
    expect((await validateImage({ manifestBytes: built.manifestBytes, getBlob: liar }))[0]).toMatch(/layer 0: size mismatch|layer 0: digest mismatch/);
  });
});
