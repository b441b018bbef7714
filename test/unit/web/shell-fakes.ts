import type { CommandIO, ShellFiles, ShellHost } from '../../../web/Terminal/host-shell.ts';
import { HostShell } from '../../../web/Terminal/host-shell.ts';
import { StdinSource } from '../../../web/Terminal/stdin-source.ts';
import { WorkspaceError, type Entry } from '../../../web/Workspace/workspace.svelte.ts';
import { parentOf } from '../../../web/Workspace/workspace-paths.ts';

/** The workspace the shell sees, in memory: files and folders by path ("" is the root). */
export class MemoryFiles implements ShellFiles {
  readonly entries = new Map<string, Entry>();

  constructor(files: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(files)) {
      for (let d = parentOf(path); d !== ''; d = parentOf(d)) this.entries.set(d, { path: d, kind: 'dir', modified: 0 });
      this.entries.set(path, { path, kind: 'file', content: new TextEncoder().encode(text), modified: 0 });
    }
  }

  stat(path: string): Entry | undefined {
    return path === '' ? { path: '', kind: 'dir', modified: 0 } : this.entries.get(path);
  }

  list(dir: string): Entry[] {
    return [...this.entries.values()].filter((e) => parentOf(e.path) === dir).sort((a, b) => a.path.localeCompare(b.path));
  }

  read(path: string): Uint8Array {
    const e = this.stat(path);
    if (!e) throw new WorkspaceError('ENOENT', path);
    if (e.kind === 'dir') throw new WorkspaceError('EISDIR', path);
    return e.content ?? new Uint8Array();
  }

  text(path: string): string {
    return new TextDecoder().decode(this.read(path));
  }

  async write(path: string, content: Uint8Array | string): Promise<void> {
    this.entries.set(path, { path, kind: 'file', content: typeof content === 'string' ? new TextEncoder().encode(content) : content, modified: 0 });
  }

  async mkdir(path: string): Promise<void> {
    this.entries.set(path, { path, kind: 'dir', modified: 0 });
  }

  async remove(path: string): Promise<void> {
    this.entries.delete(path);
  }

  async rename(from: string, to: string): Promise<void> {
    const e = this.entries.get(from)!;
    this.entries.delete(from);
    this.entries.set(to, { ...e, path: to });
  }
}

/** A shell over MemoryFiles whose `docker` prints its argv, one per line, and exits with `dockerStatus`. */
export function testShell(files = new MemoryFiles(), overrides: Partial<ShellHost> = {}) {
  const edited: string[] = [];
  const host: ShellHost = {
    workspace: files,
    docker: async (argv, io) => {
      io.stdout(argv.map((a) => `[${a}]\n`).join(''));
      return argv[0] === 'fail' ? 1 : 0;
    },
    edit: (path) => edited.push(path),
    clear: () => {},
    history: () => [],
    ...overrides,
  };
  const shell = new HostShell(host);
  /** Run a line; its stdout and stderr as text, and its status. */
  const run = async (line: string, signal = new AbortController().signal) => {
    let out = '';
    let err = '';
    const decoder = new TextDecoder();
    const io: CommandIO = {
      stdout: (c) => (out += typeof c === 'string' ? c : decoder.decode(c)),
      stderr: (c) => (err += typeof c === 'string' ? c : decoder.decode(c)),
      stdin: new StdinSource(),
      signal,
      isTerminal: false,
      columns: 80,
    };
    const status = await shell.run(line, io);
    return { out, err, status };
  };
  return { shell, files, edited, run };
}
