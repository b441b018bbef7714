/**
 * Whether stdio is a terminal. WASI has no ioctl, so a program (wasi-libc's isatty, `[ -t 0 ]`)
 * learns it from fd_fdstat_get: a character device without seek/tell rights. @wasmer/wasi calls
 * every stdio fd a terminal, so we answer for fds 0-2 ourselves: the fds that are the container's
 * terminal (`docker run -t`) as one - box's sh then prompts, as on a pseudo-terminal - and the
 * others as what they are under docker without -t, a pipe (preview1 has no file type for pipes:
 * UNKNOWN, as other runtimes report them).
 */
const FILETYPE_UNKNOWN = 0;
const FILETYPE_CHARACTER_DEVICE = 2;
const RIGHTS_FD_READ = 1n << 1n;
const RIGHTS_FD_FDSTAT_SET_FLAGS = 1n << 3n;
const RIGHTS_FD_WRITE = 1n << 6n;
const RIGHTS_FD_FILESTAT_GET = 1n << 21n;
const RIGHTS_POLL_FD_READWRITE = 1n << 27n;
/** What a terminal or a pipe allows; FD_SEEK and FD_TELL are left out on purpose (isatty checks them). */
const STREAM_RIGHTS = RIGHTS_FD_READ | RIGHTS_FD_WRITE | RIGHTS_FD_FDSTAT_SET_FLAGS | RIGHTS_FD_FILESTAT_GET | RIGHTS_POLL_FD_READWRITE;
const ERRNO_SUCCESS = 0;

/** The fds of a `-t` container's main process: stdin, stdout and stderr are all the pseudo-terminal. */
export const TERMINAL_STDIO: ReadonlySet<number> = new Set([0, 1, 2]);
const NO_TERMINAL: ReadonlySet<number> = new Set();

type Preview1 = Record<string, (...a: number[]) => number>;

/** Make fd_fdstat_get tell fds 0-2 apart: those in `terminal()` (asked at each call) are a terminal, the others a pipe. */
export function reportStdioKinds(preview1: Preview1, view: () => DataView, terminal: () => ReadonlySet<number> | undefined): void {
  const fdstat = preview1.fd_fdstat_get;
  preview1.fd_fdstat_get = (fd, out) => {
    if (fd > 2) return fdstat(fd, out);
    // struct fdstat: u8 filetype, u16 flags at 2, u64 rights_base at 8, u64 rights_inheriting at 16.
    const dv = view();
    for (let i = 0; i < 24; i++) dv.setUint8(out + i, 0);
    dv.setUint8(out, (terminal() ?? NO_TERMINAL).has(fd) ? FILETYPE_CHARACTER_DEVICE : FILETYPE_UNKNOWN);
    dv.setBigUint64(out + 8, STREAM_RIGHTS, true);
    return ERRNO_SUCCESS;
  };
}

/**
 * A child started through dockyard.spawn keeps the terminal on the fds it inherits; an fd redirected
 * to a file (`ls > out`, `sort < in`) is that file instead.
 */
export function inheritedTerminalFds(parent: ReadonlySet<number>, redirected: { stdin: boolean; stdout: boolean; stderr: boolean }): ReadonlySet<number> {
  const fds = new Set(parent);
  if (redirected.stdin) fds.delete(0);
  if (redirected.stdout) fds.delete(1);
  if (redirected.stderr) fds.delete(2);
  return fds;
}
