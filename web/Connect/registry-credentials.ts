/**
 * The page's registry logins, as the docker CLI's config holds them: while a kernel service is
 * connected, its registry (`docker push 127.0.0.1:PORT/name`) takes the service's token as the
 * Basic password. The terminal's CLI hands them to the engine with each pull and push (the Engine
 * API's `auth`, Docker's X-Registry-Auth). Kept in memory only; forgotten on disconnect.
 */
import type { RegistryAuth } from '../../engine/engine.ts';
import type { KernelAddress } from './connect-link.ts';

let current: { registries: string[]; auth: RegistryAuth } | null = null;

/** The registry names a service answers to: 127.0.0.1:PORT and localhost:PORT. */
export function registryNames(address: KernelAddress): string[] {
  const url = new URL(address.url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return [...new Set([url.host, `127.0.0.1:${port}`, `localhost:${port}`])];
}

export function shareRegistryCredentials(address: KernelAddress): void {
  const registries = registryNames(address);
  current = { registries, auth: { username: 'dockyard', password: address.token, serveraddress: registries[0] } };
}

export function forgetRegistryCredentials(address: KernelAddress): void {
  const names = registryNames(address);
  if (current?.registries.some((r) => names.includes(r))) current = null;
}

/** The login for `registry` (a host[:port] as a reference names it), if the page has one. */
export function registryAuth(registry: string): RegistryAuth | undefined {
  return current?.registries.includes(registry) ? { ...current.auth } : undefined;
}
