import { parseReference, type Reference } from '../oci/reference.ts';
import type { RegistryAuth, RegistryClient } from '../ports.ts';
import type { Core } from './context.ts';

/**
 * Where a reference lives remotely: `box` and `docker.io/library/box` go to the built-in registry
 * (configurable), as `library/box`; `localhost:5000/x:y` goes to that registry as `x`.
 */
export interface Remote {
  ref: Reference;
  registry: string;
  repository: string;
  /** The tag or digest to ask the registry for. */
  reference: string;
}

export function remoteFor(core: Core, name: string): Remote {
  const ref = parseReference(name);
  const registry = ref.domain ?? core.options.builtinRegistry;
  const repository = ref.domain || ref.path.includes('/') ? ref.path : `library/${ref.path}`;
  return { ref, registry, repository, reference: ref.digest ?? ref.tag ?? 'latest' };
}

/** The registry client for one pull or push: with the caller's credentials when it gave some. */
export function registryClient(core: Core, auth: RegistryAuth | undefined): RegistryClient {
  const { registry } = core.ports;
  return auth ? (registry.withAuth?.(auth) ?? registry) : registry;
}
