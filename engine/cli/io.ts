import type { RegistryAuth } from '../engine.ts';

/**
 * What the CLI needs from its host (the playground's terminal, a parity test, a Node script).
 * Only `stdout` and `stderr` are required; every other capability is optional and a command that
 * needs a missing one says so as docker would.
 */
export interface CliIO {
  /** Text for the user's stdout; called as output arrives (container output is streamed). */
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Interactive input for `-i` (and answers to prompts). `read` resolves with the next chunk, or
   * null at end of input (Ctrl-D). When the CLI stops needing input (the container exited) it
   * aborts the signal it passed to `read`: a pending read should then resolve null without
   * consuming anything, so the next command gets the keystrokes.
   */
  stdin?: { read(signal?: AbortSignal): Promise<Uint8Array | null> };
  /** The user's terminal is a TTY (`-t` makes sense; `save` refuses to write binary to it). */
  isTTY?: boolean;
  /** Terminal width for wrapping help text (default 80), and a -t container's console width. */
  columns?: number;
  /** Terminal height: a -t container's console height (default 24). */
  rows?: number;
  /**
   * Tell `listener` when the terminal's size changes (a window resized): an attached -t container
   * follows it, as docker's CLI does on SIGWINCH. Returns the way to stop listening.
   */
  onResize?(listener: (rows: number, columns: number) => void): () => void;
  /** Aborted on Ctrl-C: the CLI signals an attached container, or stops following/waiting. */
  signal?: AbortSignal;
  /**
   * docker's raw terminal mode, on while `-it` is attached to a container's terminal: Ctrl-C is
   * then not the CLI's (`signal` is left alone, --sig-proxy does not apply under a TTY) but a key
   * for the container, sent in stdin as the byte 0x03 for its terminal to turn into SIGINT.
   */
  rawInput?(raw: boolean): void;
  /** Host files for `save -o`, `load -i`; paths are the host shell's. */
  readFile?(path: string): Promise<Uint8Array>;
  writeFile?(path: string, data: Uint8Array): Promise<void>;
  /**
   * The directory the terminal is in, as an absolute path (`/home/learner/examples/hits`): relative
   * paths given to readFile and buildContext are read from there; `docker compose` names a project
   * after its last component and labels containers with it. Default `/home/learner`.
   */
  workingDir?: string;
  /** `docker cp`: what is at a host path (links followed); undefined when nothing is there. */
  pathKind?(path: string): Promise<'file' | 'dir' | undefined>;
  /** `docker cp`: make a host directory whose parent exists; one that exists is left as it is. */
  makeDir?(path: string): Promise<void>;
  /** The files of a build context directory (and `docker cp`'s source): relative "/"-separated path -> content. */
  buildContext?(dir: string): Promise<Record<string, Uint8Array>>;
  /**
   * The login for a registry (`docker.io` for references without one), as the docker CLI reads it
   * from its config: sent with `pull`, `push` and the pull of `run`/`create` (X-Registry-Auth).
   */
  registryAuth?(registry: string): RegistryAuth | undefined;
  /** Clock for "2 seconds ago" (default Date.now); tests pin it. */
  now?(): number;
}
