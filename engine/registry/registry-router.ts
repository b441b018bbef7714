import { EngineError } from '../errors.ts';
import type { BlobClaim, Digest, FetchedManifest, RegistryAuth, RegistryClient } from '../ports.ts';

/**
 * One RegistryClient over several: the built-in layouts under their registry name, everything
 * else to the network client. Hosts build theirs as
 *   routeRegistries({ builtin: new OciLayoutRegistry({ readFile }) }, new DistributionClient())
 */
export function routeRegistries(routes: Record<string, RegistryClient>, fallback?: RegistryClient): RegistryClient {
  const pick = (registry: string): RegistryClient => {
    const client = Object.hasOwn(routes, registry) ? routes[registry] : fallback;
    if (!client) throw new EngineError('unavailable', `no route to registry ${registry}`);
    return client;
  };
  return {
    getManifest: (r: string, repo: string, ref: string): Promise<FetchedManifest> => pick(r).getManifest(r, repo, ref),
    getBlob: (r: string, repo: string, claim: BlobClaim) => pick(r).getBlob(r, repo, claim),
    hasBlob: (r: string, repo: string, digest: Digest) => pick(r).hasBlob(r, repo, digest),
    putBlob: (r: string, repo: string, claim: BlobClaim, data: Uint8Array) => pick(r).putBlob(r, repo, claim, data),
    putManifest: (r: string, repo: string, ref: string, m: FetchedManifest) => pick(r).putManifest(r, repo, ref, m),
    listTags: (r: string, repo: string) => pick(r).listTags(r, repo),
    withAuth: (auth: RegistryAuth) =>
      routeRegistries(Object.fromEntries(Object.entries(routes).map(([name, client]) => [name, client.withAuth?.(auth) ?? client])), fallback?.withAuth?.(auth) ?? fallback),
  };
}
