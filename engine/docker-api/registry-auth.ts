/**
 * Docker's X-Registry-Auth header: the credentials of one pull or push, as base64url of the JSON
 * AuthConfig (`{"username":..,"password":..,"serveraddress":..}`) the docker CLI sends.
 */
import type { RegistryAuth } from '../ports.ts';

export const REGISTRY_AUTH_HEADER = 'X-Registry-Auth';

/** The header's value for `auth`; `{}` (what the CLI sends for a registry it has no login for) without. */
export function encodeRegistryAuth(auth: RegistryAuth | undefined): string {
  const json = JSON.stringify(auth ? { username: auth.username, password: auth.password, ...(auth.serveraddress ? { serveraddress: auth.serveraddress } : {}) } : {});
  let binary = '';
  for (const byte of new TextEncoder().encode(json)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * The credentials a header carries, or undefined for none. As dockerd, a header that does not
 * decode (not base64, not JSON, wrong types) counts as no credentials rather than an error: the
 * registry then answers for itself ("authentication required").
 */
export function decodeRegistryAuth(header: string | undefined): RegistryAuth | undefined {
  if (!header) return undefined;
  let value: unknown;
  try {
    const binary = atob(header.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''));
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { username, password, serveraddress } = value as Record<string, unknown>;
  if (typeof username !== 'string' || typeof password !== 'string' || (username === '' && password === '')) return undefined;
  return { username, password, ...(typeof serveraddress === 'string' && serveraddress ? { serveraddress } : {}) };
}
