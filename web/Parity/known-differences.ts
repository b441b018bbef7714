/**
 * Where the browser engine and the kernel service differ on purpose: each entry is inherent to one
 * of the hosts (what it is, not a bug), tested by name in test/parity/known-differences.test.ts and
 * listed in test/parity/README.md. The parity view marks a difference as known when one of these
 * explains every differing line; anything else is shown as a difference to look into.
 */
export interface KnownDifference {
  id: string;
  /** One line, as the parity view shows it. */
  title: string;
  /** Why it differs, for the learner. */
  why: string;
  /** Does this entry explain the pair of differing lines (browser's, kernel's)? Either may be missing. */
  explains(browser: string | undefined, kernel: string | undefined): boolean;
}

const both = (b: string | undefined, k: string | undefined, re: RegExp) => b !== undefined && k !== undefined && re.test(b) && re.test(k);

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'server-os',
    title: 'The server OS: wasi in the browser, linux on the kernel service',
    why: '`docker version` names the host the engine runs on. Both run the same wasi/wasm images; the kernel service runs them inside real Linux containers.',
    explains: (b, k) => both(b, k, /^\s*OS\/Arch:\s+\S+\/wasm$/),
  },
  {
    id: 'system-info',
    title: 'docker info describes the host: storage driver, kernel, OS, memory, name',
    why: 'The browser engine keeps layers in IndexedDB and runs processes in Web Workers (storage driver "memfs", kernel "wasi"); the kernel service uses overlayfs on a Linux kernel with seccomp and no-new-privileges.',
    explains: (b, k) => {
      const host = /^\s*(Storage Driver|Kernel Version|Operating System|OSType|Total Memory|Name|CPUs):/;
      const security = /^\s+(wasi|seccomp|Profile: \S+|no-new-privileges)$/;
      return [b, k].every((line) => line === undefined || host.test(line) || security.test(line)) && (b !== undefined || k !== undefined);
    },
  },
];

/** The known difference explaining a differing pair of lines, if any. */
export function knownDifferenceFor(browser: string | undefined, kernel: string | undefined): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((d) => d.explains(browser, kernel));
}
