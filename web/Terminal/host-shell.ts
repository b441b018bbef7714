import type { Workspace } from '../Workspace/workspace.svelte.ts';
import { WorkspaceError } from '../Workspace/workspace.svelte.ts';
import { baseName, displayPath, joinPath, resolvePath } from '../Workspace/workspace-paths.ts';
import { parseCommandLine, ShellSyntaxError, type SimpleCommand } from './shell-syntax.ts';
import type { StdinSource } from './stdin-source.ts';

/** Where a command's output goes and how it is interrupted. */
export interface CommandIO {
  stdout(chunk: string | Uint8Array): void;
  stderr(chunk: string | Uint8Array): void;
  /** What the learner types while the command runs (ends on Ctrl-D). */
  stdin: StdinSource;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
  /** True when stdout is the terminal (not redirected to a file): colours and tables may be used. */
  isTerminal: boolean;
  /** Raw mode for `docker run -it` (engine/cli/io.ts): Ctrl-C then goes to the container as 0x03. */
  rawInput?(raw: boolean): void;
}

/** What the shell needs from the page around it. */
export interface ShellHost {
  workspace: Workspace;
  /** Run `docker <argv>` with `cwd` as the directory `docker build .` means. */
  docker(argv: string[], io: CommandIO, cwd: string): Promise<number>;
  edit(path: string): void;
  clear(): void;
  history(): readonly string[];
}

export const SHELL_COMMANDS: Record<string, string> = {
  docker: 'run a docker command (docker --help lists them)',
  ls: 'list files (ls -l for details)',
  cd: 'change directory (cd .. goes up, cd alone goes home)',
  pwd: 'print the current directory',
  cat: 'print files',
  echo: 'print text; echo text > file writes a file, >> appends',
  mkdir: 'make a directory (-p: with its parents)',
  rm: 'remove files (-r: folders too)',
  mv: 'rename or move a file or folder',
  touch: 'create an empty file',
  edit: 'open a file in the editor',
  clear: 'clear the screen (also Ctrl-L)',
  history: 'list the commands typed so far',
  help: 'this list',
};

const BLUE = '\x1b[1;34m';
const RESET = '\x1b[0m';

/**
 * The host shell of one terminal tab: runs a command line over the workspace, handing `docker ...`
 * to engine/cli. Returns the exit status of the last command, as sh does.
 */
export class HostShell {
  cwd = 'examples';
  status = 0;

  constructor(private readonly host: ShellHost) {
    if (host.workspace.stat(this.cwd)?.kind !== 'dir') this.cwd = '';
  }

  get prompt(): string {
    return displayPath(this.cwd);
  }

  async run(line: string, io: CommandIO): Promise<number> {
    let commands: SimpleCommand[];
    try {
      commands = parseCommandLine(line);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      io.stderr(`sh: ${e.message}\n`);
      return (this.status = 2);
    }
    for (const command of commands) {
      if (command.after === '&&' && this.status !== 0) continue;
      if (command.after === '||' && this.status === 0) continue;
      if (io.signal.aborted) break;
      this.status = await this.#runOne(command, io);
    }
    return this.status;
  }

  async #runOne(command: SimpleCommand, io: CommandIO): Promise<number> {
    if (!command.redirect) return this.#dispatch(command.argv, io);
    // Collect stdout, then write it to the file in one go (as the shell's open(O_TRUNC) would).
    const path = resolvePath(this.cwd, command.redirect.path);
    const chunks: Uint8Array[] = [];
    const encoder = new TextEncoder();
    const status = await this.#dispatch(command.argv, {
      ...io,
      isTerminal: false,
      stdout: (chunk) => chunks.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk.slice()),
    });
    const size = chunks.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const c of chunks) {
      bytes.set(c, offset);
      offset += c.length;
    }
    try {
      if (command.redirect.append && this.host.workspace.stat(path)?.kind === 'file') {
        const before = this.host.workspace.read(path);
        const joined = new Uint8Array(before.length + bytes.length);
        joined.set(before);
        joined.set(bytes, before.length);
        await this.host.workspace.write(path, joined);
      } else {
        await this.host.workspace.write(path, bytes);
      }
    } catch (e) {
      io.stderr(`sh: ${command.redirect.path}: ${reason(e)}\n`);
      return 1;
    }
    return status;
  }

  async #dispatch(argv: string[], io: CommandIO): Promise<number> {
    const [name, ...args] = argv;
    const ws = this.host.workspace;
    try {
      switch (name) {
        case 'docker':
          return await this.host.docker(args, io, this.cwd);
        case 'help':
          return this.#help(io);
        case 'pwd':
          io.stdout(`${displayPath(this.cwd)}\n`);
          return 0;
        case 'cd':
          return this.#cd(args, io);
        case 'ls':
          return this.#ls(args, io);
        case 'cat': {
          let status = 0;
          if (args.length === 0) io.stderr('cat: reading from the keyboard is not supported; name a file\n');
          for (const arg of args) {
            try {
              io.stdout(ws.read(resolvePath(this.cwd, arg)));
            } catch (e) {
              io.stderr(`cat: ${arg}: ${reason(e)}\n`);
              status = 1;
            }
          }
          return args.length === 0 ? 1 : status;
        }
        case 'echo': {
          const noNewline = args[0] === '-n';
          io.stdout((noNewline ? args.slice(1) : args).join(' ') + (noNewline ? '' : '\n'));
          return 0;
        }
        case 'mkdir':
          return await this.#eachPath('mkdir', args, io, (path, flags) => ws.mkdir(path, { parents: flags.has('p') }), (arg, e) => `cannot create directory '${arg}': ${reason(e)}`);
        case 'rm':
          return await this.#eachPath('rm', args, io, async (path, flags) => {
            if (flags.has('f') && !ws.stat(path)) return;
            await ws.remove(path, { recursive: flags.has('r') || flags.has('R') });
          }, (arg, e) => `cannot remove '${arg}': ${reason(e)}`);
        case 'touch':
          return await this.#eachPath('touch', args, io, async (path) => {
            if (!ws.stat(path)) await ws.write(path, '');
          }, (arg, e) => `cannot touch '${arg}': ${reason(e)}`);
        case 'mv':
          return await this.#mv(args, io);
        case 'edit':
          return this.#edit(args, io);
        case 'clear':
          this.host.clear();
          return 0;
        case 'history': {
          const lines = this.host.history();
          const width = String(lines.length).length + 2;
          lines.forEach((l, i) => io.stdout(`${String(i + 1).padStart(width)}  ${l}\n`));
          return 0;
        }
        default:
          io.stderr(`sh: ${name}: command not found${name === 'sudo' ? '' : '. Type `help` for the commands of this shell.'}\n`);
          return 127;
      }
    } catch (e) {
      io.stderr(`${name}: ${reason(e)}\n`);
      return 1;
    }
  }

  #help(io: CommandIO): number {
    io.stdout('Commands of this shell (files live in your workspace, ~):\n\n');
    const width = Math.max(...Object.keys(SHELL_COMMANDS).map((k) => k.length));
    for (const [name, text] of Object.entries(SHELL_COMMANDS)) {
      io.stdout(`  ${io.isTerminal ? BLUE : ''}${name.padEnd(width)}${io.isTerminal ? RESET : ''}  ${text}\n`);
    }
    io.stdout('\nKeys: Up/Down history, Tab completes, Ctrl-C interrupts, Ctrl-D ends input, Ctrl-L clears,\n');
    io.stdout('Escape then Tab leaves the terminal.\n');
    io.stdout('Try: docker run hello-world\n');
    return 0;
  }

  #cd(args: string[], io: CommandIO): number {
    const target = resolvePath(this.cwd, args[0] ?? '~');
    const node = this.host.workspace.stat(target);
    if (!node) {
      io.stderr(`cd: ${args[0]}: No such file or directory\n`);
      return 1;
    }
    if (node.kind !== 'dir') {
      io.stderr(`cd: ${args[0]}: Not a directory\n`);
      return 1;
    }
    this.cwd = target;
    return 0;
  }

  #ls(args: string[], io: CommandIO): number {
    const { flags, operands } = splitFlags(args);
    const long = flags.has('l');
    const targets = operands.length ? operands : ['.'];
    let status = 0;
    const ws = this.host.workspace;
    targets.forEach((arg, index) => {
      const path = resolvePath(this.cwd, arg);
      const node = ws.stat(path);
      if (!node) {
        io.stderr(`ls: cannot access '${arg}': No such file or directory\n`);
        status = 2;
        return;
      }
      const entries = node.kind === 'dir' ? ws.list(path) : [node];
      if (targets.length > 1) io.stdout(`${index > 0 ? '\n' : ''}${arg}:\n`);
      const name = (e: { path: string; kind: string }) => {
        const n = node.kind === 'dir' ? baseName(e.path) : arg;
        return e.kind === 'dir' && io.isTerminal ? `${BLUE}${n}${RESET}` : n;
      };
      if (long) {
        for (const e of entries) {
          const size = e.kind === 'file' ? (e.content?.length ?? 0) : 0;
          const date = new Date(e.modified || Date.now()).toISOString().slice(0, 16).replace('T', ' ');
          io.stdout(`${e.kind === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--'} ${String(size).padStart(8)} ${date} ${name(e)}\n`);
        }
      } else if (entries.length) {
        io.stdout(entries.map(name).join('  ') + '\n');
      }
    });
    return status;
  }

  async #mv(args: string[], io: CommandIO): Promise<number> {
    if (args.length !== 2) {
      io.stderr('mv: usage: mv SOURCE TARGET\n');
      return 1;
    }
    const ws = this.host.workspace;
    const from = resolvePath(this.cwd, args[0]);
    let to = resolvePath(this.cwd, args[1]);
    if (ws.stat(to)?.kind === 'dir') to = joinPath(to, baseName(from));
    try {
      await ws.rename(from, to);
      return 0;
    } catch (e) {
      io.stderr(`mv: cannot move '${args[0]}' to '${args[1]}': ${reason(e)}\n`);
      return 1;
    }
  }

  #edit(args: string[], io: CommandIO): number {
    if (args.length !== 1) {
      io.stderr('edit: usage: edit FILE\n');
      return 1;
    }
    const path = resolvePath(this.cwd, args[0]);
    const node = this.host.workspace.stat(path);
    if (node?.kind === 'dir') {
      io.stderr(`edit: ${args[0]}: Is a directory\n`);
      return 1;
    }
    this.host.edit(path);
    io.stdout(`Opened ${displayPath(path)} in the editor.\n`);
    return 0;
  }

  async #eachPath(
    name: string,
    args: string[],
    io: CommandIO,
    action: (path: string, flags: Set<string>) => Promise<void>,
    message: (arg: string, e: unknown) => string,
  ): Promise<number> {
    const { flags, operands } = splitFlags(args);
    if (operands.length === 0) {
      io.stderr(`${name}: missing operand\n`);
      return 1;
    }
    let status = 0;
    for (const arg of operands) {
      try {
        await action(resolvePath(this.cwd, arg), flags);
      } catch (e) {
        io.stderr(`${name}: ${message(arg, e)}\n`);
        status = 1;
      }
    }
    return status;
  }
}

/** `-rf` and `-r -f` alike; `--` ends the flags. */
function splitFlags(args: string[]): { flags: Set<string>; operands: string[] } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let done = false;
  for (const arg of args) {
    if (!done && arg === '--') done = true;
    else if (!done && arg.startsWith('-') && arg.length > 1) for (const f of arg.slice(1)) flags.add(f);
    else operands.push(arg);
  }
  return { flags, operands };
}

function reason(e: unknown): string {
  if (e instanceof WorkspaceError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
