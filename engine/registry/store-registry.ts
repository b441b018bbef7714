import { EngineError, isEngineError } from '../errors.ts';
import { isDigest, verifyBytes } from '../oci/digest.ts';
import { isRepositoryPath, isTag } from '../oci/reference.ts';
import { parseImageDocument } from '../oci/validate.ts';
import type { BlobClaim, BlobStore, Digest, FetchedManifest, MetadataOp, MetadataStore, RegistryClient } from '../ports.ts';

export interface StoreRegistryOptions {
  /** Where blobs and manifests are kept. Not the engine's own store: the core removes blobs no image uses. */
  blobs: BlobStore;
  /** Where the registry's records are kept, in the 'registry' bucket. */
  metadata: MetadataStore;
}

/** A manifest a repository holds: its bytes are the blob of the same digest. */
interface ManifestRecord {
  mediaType: string;
  size: number;
}

/** What a tag points at. */
interface TagRecord {
  digest: Digest;
}

/** A blob a repository holds (registries scope blobs by repository, as distribution's links do). */
interface BlobLink {
  size: number;
}

// Keys in the 'registry' bucket. Repository paths never contain ':' or '@' and tags never contain
// ':', so the parts cannot run into each other.
const manifestKey = (repo: string, digest: Digest) => `manifest:${repo}@${digest}`;
const tagKey = (repo: string, tag: string) => `tag:${repo}:${tag}`;
const blobKey = (repo: string, digest: Digest) => `blob:${repo}@${digest}`;

/**
 * A writable registry over a BlobStore and a MetadataStore: what `localhost:5000` is when the
 * browser engine serves it itself (and any host that wants a registry of its own).
 *
 * Contract, as a distribution registry keeps it:
 * - `putBlob` verifies the bytes against the claimed digest and size before anything is stored;
 *   only then is the blob linked to the repository.
 * - `putManifest` verifies the bytes against the manifest's digest (and the reference, when that is
 *   a digest), parses it as an image manifest or index, and refuses it unless every blob it names
 *   (config, layers) or manifest (index entries) is already in the repository. The manifest and its
 *   tag become visible together, in one metadata batch, after the bytes are stored.
 * - Reads re-verify: `getManifest` and `getBlob` return bytes only after hashing them against the
 *   digest they are known by. A tag is a movable name; a digest always means the same bytes.
 * The `registry` argument names the registry in messages only: route to this client by name
 * (registry-router.ts).
 */
export class StoreRegistry implements RegistryClient {
  readonly #blobs: BlobStore;
  readonly #metadata: MetadataStore;

  constructor(options: StoreRegistryOptions) {
    this.#blobs = options.blobs;
    this.#metadata = options.metadata;
  }

  async getManifest(registry: string, repository: string, reference: string): Promise<FetchedManifest> {
    checkRepository(repository);
    const digest = isDigest(reference) ? reference : (await this.#tag(registry, repository, reference)).digest;
    const record = await this.#metadata.get<ManifestRecord>('registry', manifestKey(repository, digest));
    if (!record) throw new EngineError('not-found', `manifest for ${registry}/${repository}${isDigest(reference) ? '@' : ':'}${reference} not found: manifest unknown`);
    const bytes = await this.#read(digest, record.size, `manifest ${digest} of ${registry}/${repository}`);
    return { bytes, mediaType: record.mediaType, digest };
  }

  async getBlob(registry: string, repository: string, claim: BlobClaim): Promise<AsyncIterable<Uint8Array>> {
    checkRepository(repository);
    const digest = checkDigest(claim.digest);
    const link = await this.#metadata.get<BlobLink>('registry', blobKey(repository, digest));
    if (!link) throw new EngineError('not-found', `blob ${digest} not found in ${registry}/${repository}: blob unknown to registry`);
    const bytes = await this.#read(digest, claim.size ?? link.size, `blob ${digest} of ${registry}/${repository}`);
    return (async function* () {
      yield bytes;
    })();
  }

  async hasBlob(_registry: string, repository: string, digest: Digest): Promise<boolean> {
    checkRepository(repository);
    checkDigest(digest);
    return (await this.#metadata.get<BlobLink>('registry', blobKey(repository, digest))) !== undefined && (await this.#blobs.has(digest));
  }

  async putBlob(_registry: string, repository: string, claim: BlobClaim, data: Uint8Array): Promise<void> {
    checkRepository(repository);
    const digest = checkDigest(claim.digest);
    // Verified here, not only by the store: a store that already holds the digest would take any bytes as a no-op.
    verifyBytes(data, { mediaType: '', digest, size: claim.size ?? data.length });
    await this.#blobs.put({ digest, size: data.length }, data);
    await this.#metadata.batch([{ op: 'put', bucket: 'registry', key: blobKey(repository, digest), value: { size: data.length } satisfies BlobLink }]);
  }

  async putManifest(registry: string, repository: string, reference: string, manifest: FetchedManifest): Promise<void> {
    checkRepository(repository);
    const digest = checkDigest(manifest.digest);
    if (isDigest(reference)) {
      if (reference !== digest) throw new EngineError('invalid-content', `manifest invalid: pushed by digest ${reference} but its content has digest ${digest}`);
    } else if (!isTag(reference)) {
      throw new EngineError('invalid-argument', `invalid tag ${JSON.stringify(reference.slice(0, 130))}: tags are letters, digits, "_", "." and "-", at most 128`);
    }
    verifyBytes(manifest.bytes, digest);
    const doc = parseImageDocument(manifest.bytes, { mediaType: manifest.mediaType || undefined });
    const mediaType = manifest.mediaType || (doc.kind === 'manifest' ? doc.manifest.mediaType : doc.index.mediaType) || '';
    if (doc.kind === 'manifest') {
      for (const d of [doc.manifest.config, ...doc.manifest.layers]) {
        const link = await this.#metadata.get<BlobLink>('registry', blobKey(repository, d.digest));
        if (!link || !(await this.#blobs.has(d.digest))) throw new EngineError('invalid-content', `manifest blob unknown: blob ${d.digest} is not in ${registry}/${repository}; push it before the manifest`);
        if (link.size !== d.size) throw new EngineError('invalid-content', `manifest invalid: ${d.digest} is ${link.size} bytes in ${registry}/${repository}, the manifest says ${d.size}`);
      }
    } else {
      for (const m of doc.index.manifests) {
        if (!(await this.#metadata.get<ManifestRecord>('registry', manifestKey(repository, m.digest)))) {
          throw new EngineError('invalid-content', `manifest blob unknown: manifest ${m.digest} is not in ${registry}/${repository}; push it before the index`);
        }
      }
    }
    await this.#blobs.put({ digest, size: manifest.bytes.length }, manifest.bytes);
    const ops: MetadataOp[] = [{ op: 'put', bucket: 'registry', key: manifestKey(repository, digest), value: { mediaType, size: manifest.bytes.length } satisfies ManifestRecord }];
    if (!isDigest(reference)) ops.push({ op: 'put', bucket: 'registry', key: tagKey(repository, reference), value: { digest } satisfies TagRecord });
    await this.#metadata.batch(ops);
  }

  async listTags(registry: string, repository: string): Promise<string[]> {
    checkRepository(repository);
    const prefix = tagKey(repository, '');
    const tags = (await this.#metadata.list<TagRecord>('registry')).filter(([k]) => k.startsWith(prefix)).map(([k]) => k.slice(prefix.length));
    if (tags.length === 0) throw new EngineError('not-found', `repository ${registry}/${repository} not found: name unknown`);
    return tags.sort();
  }

  async #tag(registry: string, repository: string, tag: string): Promise<TagRecord> {
    if (!isTag(tag)) throw new EngineError('invalid-argument', `invalid reference format: tag ${JSON.stringify(tag.slice(0, 130))}`);
    const record = await this.#metadata.get<TagRecord>('registry', tagKey(repository, tag));
    if (!record) throw new EngineError('not-found', `manifest for ${registry}/${repository}:${tag} not found: manifest unknown`);
    return record;
  }

  /** The stored bytes, hashed against their digest (and size) on every read. */
  async #read(digest: Digest, size: number, what: string): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#blobs.get(digest);
    } catch (e) {
      if (isEngineError(e, 'not-found')) throw new EngineError('not-found', `${what} is missing from the registry's storage`);
      throw e;
    }
    try {
      verifyBytes(bytes, { mediaType: '', digest, size });
    } catch (e) {
      throw isEngineError(e, 'invalid-content') ? new EngineError('invalid-content', `${what} failed verification: ${e.message}`) : e;
    }
    return bytes;
  }
}

function checkRepository(repository: string): void {
  if (!isRepositoryPath(repository)) {
    throw new EngineError('invalid-argument', `invalid repository name ${JSON.stringify(repository.slice(0, 260))}: lowercase letters, digits and separators, components joined by "/"`);
  }
}

function checkDigest(digest: string): Digest {
  if (!isDigest(digest)) throw new EngineError('invalid-argument', `invalid digest ${JSON.stringify(String(digest).slice(0, 100))}`);
  return digest;
}
