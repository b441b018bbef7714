import type { Mount } from '../ports.ts';

/**
 * Files the runtime gives every container, as Docker does: written per container and
 * bind-mounted over the image's (Docker keeps them in the container's own directory), so they are
 * never part of its writable layer - not in `docker diff`, not in a commit - and a new container
 * of a committed image gets its own again. Both hosts follow this one rule: the browser puts them
 * in the container's in-memory root, the kernel service bind-mounts them in the OCI spec.
 */
export const RUNTIME_FILE_PATHS: readonly string[] = ['/etc/hostname', '/etc/hosts'];

/** The directory the runtime files live in: a container always has it, even over an image without one. */
export const RUNTIME_FILES_DIR = '/etc';

export interface RuntimeFile {
  /** Absolute path inside the container. */
  path: string;
  content: Uint8Array;
  mode: number;
}

const encoder = new TextEncoder();

export function isRuntimeFile(path: string): boolean {
  return RUNTIME_FILE_PATHS.includes(path);
}

/**
 * /etc/hosts as Docker writes it: loopback and the IPv6 names, then the hostname on each of the
 * container's addresses (none on `--network none`), in the order of its networks.
 */
export function hostsFile(hostname = '', addresses: readonly string[] = []): string {
  const base = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';
  return base + addresses.map((a) => `${a}\t${hostname}\n`).join('');
}

/**
 * The runtime files of a container with this hostname (`--hostname`, or the short ID the core
 * picked): every one except those a mount of the container's own covers - Docker leaves a
 * user's mount at /etc/hostname or /etc/hosts alone.
 */
export function runtimeFiles(spec: { hostname: string; mounts: readonly Mount[]; addresses?: readonly string[] }): RuntimeFile[] {
  const contents: Record<string, string> = { '/etc/hostname': `${spec.hostname}\n`, '/etc/hosts': hostsFile(spec.hostname, spec.addresses) };
  return RUNTIME_FILE_PATHS.filter((p) => !spec.mounts.some((m) => m.target === p)).map((path) => ({ path, content: encoder.encode(contents[path]), mode: 0o644 }));
}
