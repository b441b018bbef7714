/**
 * Credentials for registries the page knows about - the connected kernel service's /v2/, which
 * takes its token as the HTTP Basic password - handed to the engine worker's DistributionClient.
 * The page posts them on a BroadcastChannel (web/Connect/registry-credentials.ts); a worker that
 * starts later asks, and the page answers. Kept in memory only, never stored.
 */
import type { Credentials } from '../engine/registry/distribution-client.ts';

export const REGISTRY_CREDENTIALS_CHANNEL = 'dockyard.registry-credentials';

export type RegistryCredentialsMessage =
  | { type: 'set'; registries: string[]; username: string; password: string }
  | { type: 'forget'; registries: string[] }
  | { type: 'ask' };

const known = new Map<string, Credentials>();
let listening = false;

/** Start listening (once); returns the lookup DistributionClient's `credentials` option wants. */
export function registryCredentials(): (registry: string) => Credentials | undefined {
  if (!listening && typeof BroadcastChannel !== 'undefined') {
    listening = true;
    const channel = new BroadcastChannel(REGISTRY_CREDENTIALS_CHANNEL);
    channel.onmessage = (event: MessageEvent<RegistryCredentialsMessage>) => {
      const m = event.data;
      if (m?.type === 'set') for (const r of m.registries) known.set(r, { username: m.username, password: m.password });
      else if (m?.type === 'forget') for (const r of m.registries) known.delete(r);
    };
    channel.postMessage({ type: 'ask' } satisfies RegistryCredentialsMessage);
  }
  return (registry) => known.get(registry);
}
