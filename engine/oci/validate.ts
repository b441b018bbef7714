import { EngineError } from '../errors.ts';
import { gunzip } from '../tar/gzip.ts';
import { readTar } from '../tar/tar-reader.ts';
import { DigestHasher, isDigest, parseDigest, verifyBytes, type Digest } from './digest.ts';
import { CONFIG_MEDIA_TYPES, INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, isLayerMediaType, layerCompression } from './media-types.ts';
import type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from './types.ts';

/** Manifests, indexes and configs larger than this are refused (registries use 4 MiB too). */
export const MAX_DOCUMENT_SIZE = 4 * 1024 * 1024;

function bad(what: string, message: string): EngineError {
  return new EngineError('invalid-content', `invalid ${what}: ${message}`);
}

type Json = Record<string, unknown>;

function parseObject(bytes: Uint8Array, what: string, expected?: Descriptor): Json {
  if (expected) verifyBytes(bytes, expected);
  if (bytes.length > MAX_DOCUMENT_SIZE) throw new EngineError('resource-exhausted', `${what} of ${bytes.length} bytes is larger than ${MAX_DOCUMENT_SIZE}`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw bad(what, `not JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(what, 'not a JSON object');
  return value as Json;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStringMap = (v: unknown): v is Record<string, string> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isString);

/** Check one descriptor's shape; `where` names it in the message ("layers[2]"). */
export function checkDescriptor(value: unknown, what: string, where: string): Descriptor {
  if (typeof value !== 'object' || value === null) throw bad(what, `${where} is not a descriptor`);
  const d = value as Json;
  if (!isString(d.mediaType) || d.mediaType === '') throw bad(what, `${where} has no mediaType`);
  if (!isString(d.digest)) throw bad(what, `${where} has no digest`);
  if (!isDigest(d.digest)) {
    try {
      parseDigest(d.digest);
    } catch (e) {
      throw bad(what, `${where}: ${(e as Error).message}`);
    }
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw bad(what, `${where} has an invalid size`);
  if (d.annotations !== undefined && !isStringMap(d.annotations)) throw bad(what, `${where} has invalid annotations`);
  if (d.urls !== undefined && !isStringArray(d.urls)) throw bad(what, `${where} has invalid urls`);
  return d as unknown as Descriptor;
}

/**
 * The media type a document says it is must agree with the one it was fetched as (the
 * descriptor's or the Content-Type), and with its kind (HOSTILE 16).
 */
function checkMediaType(doc: Json, what: string, allowed: readonly string[], expected?: string): void {
  if ('manifests' in doc && ('layers' in doc || 'config' in doc)) throw bad(what, 'document has both "manifests" and "layers"/"config" (an index and a manifest at once)');
  if (doc.mediaType !== undefined && (!isString(doc.mediaType) || !allowed.includes(doc.mediaType))) throw bad(what, `mediaType "${String(doc.mediaType)}" is not a ${what} type`);
  if (expected !== undefined && !allowed.includes(expected)) throw bad(what, `fetched as "${expected}", which is not a ${what} type`);
  if (expected !== undefined && doc.mediaType !== undefined && doc.mediaType !== expected) throw bad(what, `mediaType "${doc.mediaType}" in the body differs from "${expected}" it was fetched as`);
  if (doc.schemaVersion !== 2) throw bad(what, `schemaVersion must be 2`);
}

export interface ExpectedDocument {
  /** The descriptor it was fetched by: bytes are verified against its digest and size. */
  descriptor?: Descriptor;
  /** The media type it was fetched as (Content-Type, or descriptor.mediaType by default). */
  mediaType?: string;
}

export function parseManifest(bytes: Uint8Array, expected: ExpectedDocument = {}): ImageManifest {
  const doc = parseObject(bytes, 'manifest', expected.descriptor);
  checkMediaType(doc, 'manifest', MANIFEST_MEDIA_TYPES, expected.mediaType ?? expected.descriptor?.mediaType);
  const config = checkDescriptor(doc.config, 'manifest', 'config');
  if (!CONFIG_MEDIA_TYPES.includes(config.mediaType)) throw bad('manifest', `config mediaType "${config.mediaType}" is not an image config (artifacts are not images)`);
  if (!Array.isArray(doc.layers)) throw bad('manifest', 'layers is not a list');
  doc.layers.forEach((l, i) => {
    const d = checkDescriptor(l, 'manifest', `layers[${i}]`);
    if (!isLayerMediaType(d.mediaType)) throw bad('manifest', `layers[${i}] has unsupported mediaType "${d.mediaType}"`);
  });
  if (doc.annotations !== undefined && !isStringMap(doc.annotations)) throw bad('manifest', 'annotations must map strings to strings');
  return doc as unknown as ImageManifest;
}

export function parseIndex(bytes: Uint8Array, expected: ExpectedDocument = {}): ImageIndex {
  const doc = parseObject(bytes, 'index', expected.descriptor);
  checkMediaType(doc, 'index', INDEX_MEDIA_TYPES, expected.mediaType ?? expected.descriptor?.mediaType);
  if (!Array.isArray(doc.manifests)) throw bad('index', 'manifests is not a list');
  doc.manifests.forEach((m, i) => checkDescriptor(m, 'index', `manifests[${i}]`));
  return doc as unknown as ImageIndex;
}

/** A manifest or an index, told apart by the media type it was fetched as or, failing that, its body. */
export function parseImageDocument(bytes: Uint8Array, expected: ExpectedDocument = {}): { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex } {
  const type = expected.mediaType ?? expected.descriptor?.mediaType;
  if (type !== undefined) {
    if (INDEX_MEDIA_TYPES.includes(type)) return { kind: 'index', index: parseIndex(bytes, expected) };
    if (MANIFEST_MEDIA_TYPES.includes(type)) return { kind: 'manifest', manifest: parseManifest(bytes, expected) };
    throw bad('manifest', `unsupported media type "${type}"`);
  }
  const doc = parseObject(bytes, 'manifest', expected.descriptor);
  const bodyType = isString(doc.mediaType) ? doc.mediaType : 'manifests' in doc ? INDEX_MEDIA_TYPES[0] : MANIFEST_MEDIA_TYPES[0];
  return parseImageDocument(bytes, { ...expected, mediaType: bodyType });
}

export function parseConfig(bytes: Uint8Array, descriptor?: Descriptor): ImageConfig {
  const doc = parseObject(bytes, 'image config', descriptor);
  if (!isString(doc.architecture) || !isString(doc.os)) throw bad('image config', 'architecture and os are required');
  const rootfs = doc.rootfs as Json | undefined;
  if (typeof rootfs !== 'object' || rootfs === null || rootfs.type !== 'layers' || !Array.isArray(rootfs.diff_ids)) throw bad('image config', 'rootfs must be {"type":"layers","diff_ids":[...]}');
  rootfs.diff_ids.forEach((d, i) => {
    if (!isDigest(d)) throw bad('image config', `rootfs.diff_ids[${i}] is not a sha256 digest`);
  });
  const config = doc.config as Json | undefined | null;
  if (config !== undefined && config !== null) {
    if (typeof config !== 'object' || Array.isArray(config)) throw bad('image config', 'config must be an object');
    for (const key of ['Env', 'Entrypoint', 'Cmd'] as const) {
      if (config[key] !== undefined && config[key] !== null && !isStringArray(config[key])) throw bad('image config', `config.${key} must be a list of strings`);
    }
    for (const key of ['User', 'WorkingDir', 'StopSignal'] as const) {
      if (config[key] !== undefined && !isString(config[key])) throw bad('image config', `config.${key} must be a string`);
    }
    if (config.Labels !== undefined && config.Labels !== null && !isStringMap(config.Labels)) throw bad('image config', 'config.Labels must map strings to strings');
  }
  // History is informational: real images disagree with their layer count often enough that it is not checked.
  if (doc.history !== undefined && !Array.isArray(doc.history)) throw bad('image config', 'history must be a list');
  return doc as unknown as ImageConfig;
}

/** HOSTILE 18: one diff_id per layer, or the image is refused. */
export function checkDiffIdCount(manifest: ImageManifest, config: ImageConfig): void {
  if (manifest.layers.length !== config.rootfs.diff_ids.length) {
    throw bad('image', `config has ${config.rootfs.diff_ids.length} diff_ids but the manifest has ${manifest.layers.length} layers`);
  }
}

export interface ValidateInput {
  manifestBytes: Uint8Array;
  /** When known, the manifest bytes are checked against it too. */
  manifestDescriptor?: Descriptor;
  /** A stored or fetched blob by digest; undefined when missing. */
  getBlob(digest: Digest): Promise<Uint8Array | undefined>;
  /** Also read every layer as a tar (default true). */
  readLayers?: boolean;
}

/**
 * Check a whole image, recomputing every digest: manifest, config, each layer's digest and size,
 * each layer's diff_id (after gunzip when compressed) against rootfs.diff_ids, and optionally
 * that each layer is a readable tar. Returns every problem found, not just the first.
 */
export async function validateImage(input: ValidateInput): Promise<string[]> {
  const problems: string[] = [];
  const note = (e: unknown, prefix = '') => problems.push(prefix + (e instanceof Error ? e.message : String(e)));
  let manifest: ImageManifest;
  try {
    manifest = parseManifest(input.manifestBytes, { descriptor: input.manifestDescriptor });
  } catch (e) {
    note(e, 'manifest: ');
    return problems;
  }
  let config: ImageConfig | undefined;
  const configBytes = await input.getBlob(manifest.config.digest);
  if (!configBytes) problems.push(`config ${manifest.config.digest}: missing`);
  else {
    try {
      config = parseConfig(configBytes, manifest.config);
      checkDiffIdCount(manifest, config);
    } catch (e) {
      note(e, 'config: ');
    }
  }
  for (const [i, layer] of manifest.layers.entries()) {
    const bytes = await input.getBlob(layer.digest);
    if (!bytes) {
      problems.push(`layer ${i} (${layer.digest}): missing`);
      continue;
    }
    try {
      verifyBytes(bytes, layer);
    } catch (e) {
      note(e, `layer ${i}: `);
      continue;
    }
    try {
      const diffId = await uncompressedDigest(layer.mediaType, bytes, layer.digest);
      const expected = config?.rootfs.diff_ids[i];
      if (expected !== undefined && diffId !== expected) problems.push(`layer ${i}: diff_id mismatch: config says ${expected}, the content is ${diffId}`);
      if (input.readLayers !== false) {
        const tar = layerCompression(layer.mediaType) === 'gzip' ? gunzip(bytes) : bytes;
        for await (const entry of readTar(tar)) void entry;
      }
    } catch (e) {
      note(e, `layer ${i}: `);
    }
  }
  return problems;
}

/** validateImage, throwing one 'invalid-content' error that lists every problem. */
export async function assertValidImage(input: ValidateInput): Promise<void> {
  const problems = await validateImage(input);
  if (problems.length) throw new EngineError('invalid-content', `invalid image:\n  ${problems.join('\n  ')}`, { problems });
}

async function uncompressedDigest(mediaType: string, bytes: Uint8Array, digest: Digest): Promise<Digest> {
  const compression = layerCompression(mediaType);
  if (compression === 'none') return digest;
  if (compression !== 'gzip') throw new EngineError('invalid-content', `unsupported layer media type ${mediaType}`);
  const hasher = new DigestHasher();
  for await (const chunk of gunzip(bytes)) hasher.update(chunk);
  return hasher.digest();
}
