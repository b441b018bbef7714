/**
 * The page's half of worker/registry-credentials.ts: while a kernel service is connected, the
 * engine worker may push to and pull from its registry (`docker push 127.0.0.1:PORT/name`) with
 * the service's token as the Basic password. Forgotten on disconnect.
 */
import { REGISTRY_CREDENTIALS_CHANNEL, type RegistryCredentialsMessage } from '../../worker/registry-credentials.ts';
import type { KernelAddress } from './connect-link.ts';

let channel: BroadcastChannel | null = null;
let current: Extract<RegistryCredentialsMessage, { type: 'set' }> | null = null;

/** The registry names a service answers to: 127.0.0.1:PORT and localhost:PORT. */
export function registryNames(address: KernelAddress): string[] {
  const url = new URL(address.url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return [...new Set([url.host, `127.0.0.1:${port}`, `localhost:${port}`])];
}

function open(): BroadcastChannel | null {
  if (!channel && typeof BroadcastChannel !== 'undefined') {
    channel = new BroadcastChannel(REGISTRY_CREDENTIALS_CHANNEL);
    channel.onmessage = (event: MessageEvent<RegistryCredentialsMessage>) => {
      if (event.data?.type === 'ask' && current) channel!.postMessage(current);
    };
  }
  return channel;
}

export function shareRegistryCredentials(address: KernelAddress): void {
  current = { type: 'set', registries: registryNames(address), username: 'dockyard', password: address.token };
  open()?.postMessage(current);
}

export function forgetRegistryCredentials(address: KernelAddress): void {
  if (current) open()?.postMessage({ type: 'forget', registries: registryNames(address) } satisfies RegistryCredentialsMessage);
  current = null;
}
