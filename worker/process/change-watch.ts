/**
 * Whether a container's processes changed its file system at all, seen at the WASI imports.
 *
 * Reading a container's changes back (memfs-root.ts readDelta) reads every file of the MemFS and
 * compares it with what was loaded - for box, its 230 KB binary on every run, though most runs
 * write no file. Every change to the MemFS a guest can make goes through one of the calls below,
 * so a run that made none of them changed nothing, and its delta is empty without a read. The
 * test is on the call, not its outcome: a failed `mkdir` counts too (the full comparison then
 * finds nothing), so a change is never missed.
 *
 * The host's own writes to the MemFS (a spawn's `> file` redirection, spawn-host.ts) call the
 * same `changed` callback.
 */
const OFLAGS_CREAT = 1;
const OFLAGS_TRUNC = 8;
const FD_STDERR = 2;

/** Calls that change the file system whatever their arguments. */
const ALWAYS = [
  'path_create_directory',
  'path_remove_directory',
  'path_unlink_file',
  'path_rename',
  'path_link',
  'path_symlink',
  'fd_allocate',
  'fd_filestat_set_size',
  // A descriptor renumbered onto 1 or 2 may be a file: pwrite goes to it, not to the output.
  'fd_pwrite',
] as const;

type Fn = (...args: never[]) => unknown;

/**
 * Wrap the `wasi_snapshot_preview1` imports in place (after any other wrapper of them, so what
 * they delegate to is seen too): `changed` is called before any call that may change a file.
 */
export function watchChanges(imports: Record<string, Fn>, changed: () => void): void {
  for (const name of ALWAYS) {
    const inner = imports[name] as ((...a: unknown[]) => unknown) | undefined;
    if (!inner) continue;
    imports[name] = ((...a: unknown[]) => {
      changed();
      return inner(...a);
    }) as Fn;
  }
  const open = imports.path_open as ((...a: unknown[]) => unknown) | undefined;
  if (open) {
    // path_open(fd, dirflags, path, path_len, oflags, ...): creating or truncating is a change;
    // opening for writing is not until something is written (fd_write, fd_pwrite).
    imports.path_open = ((...a: unknown[]) => {
      if ((Number(a[4]) & (OFLAGS_CREAT | OFLAGS_TRUNC)) !== 0) changed();
      return open(...a);
    }) as Fn;
  }
  const write = imports.fd_write as ((...a: unknown[]) => unknown) | undefined;
  if (write) {
    // fd_write to stdout and stderr is output (wasi-process.ts takes it before the MemFS could);
    // every other descriptor may be a file.
    imports.fd_write = ((...a: unknown[]) => {
      if (Number(a[0]) > FD_STDERR) changed();
      return write(...a);
    }) as Fn;
  }
}
