/**
 * One member of a layer tar, as the writer takes it and the reader yields it.
 * `path` is relative to the layer root (`a/b`, no leading `/` or `./`, no trailing `/`) when
 * written; the reader yields names as found in the archive - `engine/layers/path-rules.ts` is what
 * turns them into safe paths. `mtime` (seconds) is the time the reader found in the header; the
 * writer ignores it and writes LAYER_EPOCH, so the same files always give the same layer.
 */
export type TarEntry =
  | { type: 'file'; path: string; mode?: number; content: Uint8Array; mtime?: number }
  | { type: 'dir'; path: string; mode?: number; mtime?: number }
  | { type: 'symlink'; path: string; target: string; mode?: number; mtime?: number }
  /** `target` is another member's path in the same archive. */
  | { type: 'hardlink'; path: string; target: string; mode?: number; mtime?: number }
  /** Only from the reader: device nodes, FIFOs, sockets and unknown kinds, noted but never applied. */
  | { type: 'skipped'; path: string; reason: string };

/**
 * The one order of entries in the layers we write and of `docker diff` lines: plain comparison of
 * the path strings. A parent is a prefix of its children, so it always sorts first.
 */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Modes as our layers store them: directories 0755, files 0644, or 0755 if any execute bit was
 * set, symlinks 0777. Owners, setuid/setgid/sticky and group/other distinctions do not survive:
 * WASI has no use for them and both hosts must write the same bytes.
 */
export function normalizeMode(type: 'file' | 'dir' | 'symlink' | 'hardlink', mode = 0o644): number {
  switch (type) {
    case 'dir':
      return 0o755;
    case 'symlink':
      return 0o777;
    default:
      return mode & 0o111 ? 0o755 : 0o644;
  }
}
