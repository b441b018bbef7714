import { EngineError, isEngineError } from '../errors.ts';
import { DigestVerifier, digestHex, isDigest, sha256 } from '../oci/digest.ts';
import type { Descriptor, ImageIndex } from '../oci/types.ts';
import type { BlobClaim, Digest, FetchedManifest, RegistryClient } from '../ports.ts';

/** Reads a file of the layouts; any rejection counts as "not there". */
export type ReadFile = (path: string) => Promise<Uint8Array>;

export interface OciLayoutRegistryOptions {
  readFile: ReadFile;
  /**
   * The directory (as readFile understands paths) of the OCI image layout that serves a
   * repository, or undefined when there is none. Default: `library/NAME` -> `NAME`.
   */
  layoutPath?: (repository: string) => string | undefined;
}

const REF_NAME = 'org.opencontainers.image.ref.name';

/** `library/box` as Docker names it in messages: `box`. */
function familiar(repository: string): string {
  return repository.startsWith('library/') ? repository.slice('library/'.length) : repository;
}

/** Docker's words when a registry has no such repository (`docker pull nosuchimage`). */
function noRepository(repository: string): EngineError {
  return new EngineError('not-found', `pull access denied for ${familiar(repository)}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`);
}

/** Markup where index.json should be: a static host's fallback page (index.html), not a layout. */
function isWebPage(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('<');
}

/**
 * A read-only registry over OCI image layouts (`oci-layout`, `index.json`, `blobs/sha256/...`):
 * the playground's built-in images, served from the static site in the browser and from the
 * repository's `images/` on the Linux host. A tag is the `org.opencontainers.image.ref.name`
 * annotation of an index.json entry. Every blob is verified against the digest it was asked by.
 * The `registry` argument is ignored: route to this client by registry name (registry-router.ts).
 */
export class OciLayoutRegistry implements RegistryClient {
  readonly #readFile: ReadFile;
  readonly #layoutPath: (repository: string) => string | undefined;

  constructor(options: OciLayoutRegistryOptions) {
    this.#readFile = options.readFile;
    this.#layoutPath = options.layoutPath ?? ((repo) => (/^library\/[a-z0-9._-]+$/.test(repo) ? repo.slice('library/'.length) : undefined));
  }

  #dir(repository: string): string {
    const dir = this.#layoutPath(repository);
    if (dir === undefined) throw noRepository(repository);
    return dir.replace(/\/+$/, '');
  }

  async #read(path: string, notFound: () => EngineError): Promise<Uint8Array> {
    try {
      return await this.#readFile(path);
    } catch (e) {
      if (isEngineError(e) && e.code !== 'not-found') throw e;
      throw notFound();
    }
  }

  async #index(repository: string): Promise<ImageIndex> {
    const bytes = await this.#read(`${this.#dir(repository)}/index.json`, () => noRepository(repository));
    // A site served by a host that answers every path with its page has no layout here.
    if (isWebPage(bytes)) throw noRepository(repository);
    try {
      const index = JSON.parse(new TextDecoder().decode(bytes)) as ImageIndex;
      if (!Array.isArray(index.manifests)) throw new Error('manifests is not a list');
      return index;
    } catch (e) {
      throw new EngineError('invalid-content', `invalid OCI layout for ${repository}: index.json: ${(e as Error).message}`);
    }
  }

  async #blob(repository: string, digest: Digest, size?: number): Promise<Uint8Array> {
    if (!isDigest(digest)) throw new EngineError('invalid-argument', `invalid digest ${JSON.stringify(digest)}`);
    const bytes = await this.#read(`${this.#dir(repository)}/blobs/sha256/${digestHex(digest)}`, () => new EngineError('not-found', `blob ${digest} not found in ${familiar(repository)}: blob unknown to registry`));
    const verifier = new DigestVerifier(size === undefined ? digest : { mediaType: '', digest, size });
    verifier.update(bytes);
    verifier.verify();
    return bytes;
  }

  async getManifest(_registry: string, repository: string, reference: string): Promise<FetchedManifest> {
    const index = await this.#index(repository);
    let desc: Descriptor | undefined;
    if (isDigest(reference)) {
      desc = index.manifests.find((m) => m.digest === reference);
      const bytes = await this.#blob(repository, reference, desc?.size);
      return { bytes, mediaType: desc?.mediaType ?? mediaTypeOf(bytes), digest: reference };
    }
    desc = index.manifests.find((m) => m.annotations?.[REF_NAME] === reference);
    if (!desc && reference === 'latest' && index.manifests.length === 1 && !index.manifests[0].annotations?.[REF_NAME]) desc = index.manifests[0];
    if (!desc) throw new EngineError('not-found', `manifest for ${familiar(repository)}:${reference} not found: manifest unknown: manifest unknown`);
    const bytes = await this.#blob(repository, desc.digest, desc.size);
    return { bytes, mediaType: desc.mediaType, digest: sha256(bytes) };
  }

  async getBlob(_registry: string, repository: string, claim: BlobClaim): Promise<AsyncIterable<Uint8Array>> {
    const bytes = await this.#blob(repository, claim.digest, claim.size);
    return (async function* () {
      yield bytes;
    })();
  }

  async hasBlob(_registry: string, repository: string, digest: Digest): Promise<boolean> {
    try {
      await this.#blob(repository, digest);
      return true;
    } catch (e) {
      if (isEngineError(e, 'not-found')) return false;
      throw e;
    }
  }

  async putBlob(): Promise<void> {
    throw new EngineError('forbidden', 'the built-in registry is read-only: push to a registry such as localhost:5000/NAME');
  }

  async putManifest(): Promise<void> {
    throw new EngineError('forbidden', 'the built-in registry is read-only: push to a registry such as localhost:5000/NAME');
  }

  async listTags(_registry: string, repository: string): Promise<string[]> {
    const index = await this.#index(repository);
    return [...new Set(index.manifests.map((m) => m.annotations?.[REF_NAME]).filter((t): t is string => !!t))].sort();
  }
}

function mediaTypeOf(bytes: Uint8Array): string {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown };
    return typeof doc.mediaType === 'string' ? doc.mediaType : '';
  } catch {
    return '';
  }
}
