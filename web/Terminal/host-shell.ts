import type { Workspace } from '../Workspace/workspace.svelte.ts';
import { WorkspaceError } from '../Workspace/workspace.svelte.ts';
import { baseName, displayPath, joinPath, parentOf, resolvePath } from '../Workspace/workspace-paths.ts';
import { format, type MessageKey, type Params } from '../i18n/messages.ts';
import { parseCommandLine, ShellSyntaxError, type SimpleCommand } from './shell-syntax.ts';
import { expandWord, expandWords, type Expander } from './shell-expand.ts';
import type { StdinSource } from './stdin-source.ts';
import { wrapWords } from './text-width.ts';
import { curl, wget, type HttpCommandHost } from './http-commands.ts';
import { previewFetch, type PortFetch } from '../sw/preview-fetch.ts';

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
  /** The terminal's width, for text the shell wraps itself (help). */
  columns?: number;
  /** Hear of the terminal's new size while the command runs (a -t container follows it). */
  onResize?(listener: (rows: number, columns: number) => void): () => void;
}

/** The part of the workspace the shell reads and changes. */
export type ShellFiles = Pick<Workspace, 'stat' | 'list' | 'read' | 'write' | 'mkdir' | 'remove' | 'rename'>;

/** What the shell needs from the page around it. */
export interface ShellHost {
  workspace: ShellFiles;
  /** Run `docker <argv>` with `cwd` as the directory `docker build .` means. */
  docker(argv: string[], io: CommandIO, cwd: string): Promise<number>;
  edit(path: string): void;
  clear(): void;
  history(): readonly string[];
  /** The page's own text in the learner's language (help, hints); English when absent. */
  text?(key: MessageKey, params?: Params): string;
  /** curl's and wget's way to a published port; the page's preview Service Worker when absent. */
  fetchPort?: PortFetch;
}

/** The shell's commands, in the order `help` lists them (their descriptions are `shell.cmd.<name>`). */
export const SHELL_COMMANDS = ['docker', 'curl', 'wget', 'ls', 'cd', 'pwd', 'cat', 'echo', 'mkdir', 'rm', 'mv', 'touch', 'edit', 'export', 'unset', 'sleep', 'true', 'clear', 'history', 'help'] as const;
/** Names the shell runs that help mentions under another's line. */
const QUIET_COMMANDS = ['false'];
export const COMMAND_NAMES: readonly string[] = [...SHELL_COMMANDS, ...QUIET_COMMANDS];

const BLUE = '\x1b[1;34m';
const RESET = '\x1b[0m';
/** The status sh gives a command ended by Ctrl-C (128 + SIGINT). */
const INTERRUPTED = 130;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The host shell of one terminal tab: runs a command line over the workspace, handing `docker ...`
 * to engine/cli. Returns the exit status of the last command, as sh does; `$?` reads it.
 */
export class HostShell {
  cwd = 'examples';
  status = 0;
  /** Shell variables (all exported: there is no other program to hide them from). */
  readonly vars = new Map<string, string>([['HOME', '~']]);
  #previousDir: string | null = null;

  constructor(private readonly host: ShellHost) {
    if (host.workspace.stat(this.cwd)?.kind !== 'dir') this.cwd = '';
  }

  get prompt(): string {
    return displayPath(this.cwd);
  }

  #text(key: MessageKey, params?: Params): string {
    return this.host.text ? this.host.text(key, params) : format('en', key, params);
  }

  async run(line: string, io: CommandIO): Promise<number> {
    let commands: SimpleCommand[];
    try {
      commands = parseCommandLine(line);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      io.stderr(`sh: ${this.#syntaxMessage(e.message)}\n`);
      return (this.status = 2);
    }
    for (const command of commands) {
      if (command.after === '&&' && this.status !== 0) continue;
      if (command.after === '||' && this.status === 0) continue;
      if (io.signal.aborted) break;
      const status = await this.#runOne(command, io);
      this.status = io.signal.aborted ? INTERRUPTED : status;
    }
    return this.status;
  }

  /** The grammar's refusals of pipes and jobs are hints in the learner's language. */
  #syntaxMessage(message: string): string {
    if (message.startsWith('pipes')) return this.#text('shell.pipes');
    if (message.startsWith('background')) return this.#text('shell.background');
    return message;
  }

  #expander(io: CommandIO): Expander {
    return {
      param: (name) => {
        if (name === '?') return String(this.status);
        if (name === '$') return '1';
        if (name === '#') return '0';
        if (name === '0') return 'sh';
        if (name === 'PWD') return displayPath(this.cwd);
        if (name === 'OLDPWD') return this.#previousDir === null ? undefined : displayPath(this.#previousDir);
        return this.vars.get(name);
      },
      substitute: (line) => this.#substitute(line, io),
    };
  }

  /** `$(line)`: run it in a subshell (its cd and variables stay inside) and give back what it printed. */
  async #substitute(line: string, io: CommandIO): Promise<string> {
    const saved = { cwd: this.cwd, previous: this.#previousDir, vars: new Map(this.vars) };
    const chunks: string[] = [];
    const decoder = new TextDecoder();
    try {
      await this.run(line, {
        ...io,
        isTerminal: false,
        stdout: (chunk) => chunks.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })),
      });
    } finally {
      this.cwd = saved.cwd;
      this.#previousDir = saved.previous;
      this.vars.clear();
      for (const [k, v] of saved.vars) this.vars.set(k, v);
    }
    return chunks.join('') + decoder.decode();
  }

  async #runOne(command: SimpleCommand, io: CommandIO): Promise<number> {
    const x = this.#expander(io);
    if (command.words.length > 0 && command.assignments.length > 0) {
      io.stderr(`sh: ${this.#text('shell.prefixAssignment', { name: command.assignments[0].name })}\n`);
      return 1;
    }
    const before = this.status;
    for (const a of command.assignments) this.vars.set(a.name, await expandWord(a.value, x));
    const argv = await expandWords(command.words, x);
    // A line of only assignments (or of words that expanded to nothing) has the status of its last
    // command substitution, or 0.
    if (argv.length === 0) return this.status !== before ? this.status : 0;
    if (!command.redirect) return this.#dispatch(argv, io);
    // Collect stdout, then write it to the file in one go (as the shell's open(O_TRUNC) would).
    const target = await expandWord(command.redirect.target, x);
    const path = resolvePath(this.cwd, target);
    const chunks: Uint8Array[] = [];
    const encoder = new TextEncoder();
    const status = await this.#dispatch(argv, {
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
      io.stderr(`sh: ${target}: ${reason(e)}\n`);
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
        case 'curl':
          return await curl(args, io, this.#http());
        case 'wget':
          return await wget(args, io, this.#http());
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
          if (args.length === 0) io.stderr(`cat: ${this.#text('shell.catKeyboard')}\n`);
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
          return await this.#edit(args, io);
        case 'export':
          return this.#export(args, io);
        case 'unset':
          for (const name of args) this.vars.delete(name);
          return 0;
        case 'true':
          return 0;
        case 'false':
          return 1;
        case 'sleep':
          return await this.#sleep(args, io);
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
          io.stderr(`sh: ${name}: command not found${name === 'sudo' ? '' : `. ${this.#text('shell.notFoundHint')}`}\n`);
          return 127;
      }
    } catch (e) {
      io.stderr(`${name}: ${reason(e)}\n`);
      return 1;
    }
  }

  #help(io: CommandIO): number {
    const columns = io.columns ?? 80;
    const paragraph = (key: MessageKey) => io.stdout(`${wrapWords(this.#text(key), columns)}\n`);
    paragraph('shell.help.what');
    paragraph('shell.help.does');
    paragraph('shell.help.doesNot');
    io.stdout(`\n${this.#text('shell.help.commands')}\n`);
    const width = Math.max(...SHELL_COMMANDS.map((k) => k.length));
    for (const name of SHELL_COMMANDS) {
      io.stdout(`  ${io.isTerminal ? BLUE : ''}${name.padEnd(width)}${io.isTerminal ? RESET : ''}  ${this.#text(`shell.cmd.${name}`)}\n`);
    }
    io.stdout('\n');
    paragraph('shell.help.keys');
    paragraph('shell.help.try');
    return 0;
  }

  #cd(args: string[], io: CommandIO): number {
    if (args[0] === '-') {
      if (this.#previousDir === null) {
        io.stderr('sh: cd: OLDPWD not set\n');
        return 1;
      }
      [this.cwd, this.#previousDir] = [this.#previousDir, this.cwd];
      io.stdout(`${displayPath(this.cwd)}\n`);
      return 0;
    }
    return this.#changeDir(args, io);
  }

  #changeDir(args: string[], io: CommandIO): number {
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
    if (target !== this.cwd) this.#previousDir = this.cwd;
    this.cwd = target;
    return 0;
  }

  /** `export NAME=value`, `export NAME` (keeps its value), `export` alone lists them as sh does. */
  #export(args: string[], io: CommandIO): number {
    if (args.length === 0 || (args.length === 1 && args[0] === '-p')) {
      for (const [name, value] of [...this.vars].sort(([a], [b]) => a.localeCompare(b))) {
        io.stdout(`export ${name}='${value.replace(/'/g, "'\\''")}'\n`);
      }
      return 0;
    }
    let status = 0;
    for (const arg of args) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (!VARIABLE.test(name)) {
        io.stderr(`sh: export: \`${arg}': not a valid identifier\n`);
        status = 1;
        continue;
      }
      if (eq !== -1) this.vars.set(name, arg.slice(eq + 1));
      else if (!this.vars.has(name)) this.vars.set(name, '');
    }
    return status;
  }

  #http(): HttpCommandHost {
    return {
      fetchPort: this.host.fetchPort ?? previewFetch,
      readFile: (path) => this.host.workspace.read(resolvePath(this.cwd, path)),
      writeFile: (path, bytes) => this.host.workspace.write(resolvePath(this.cwd, path), bytes),
    };
  }

  async #sleep(args: string[], io: CommandIO): Promise<number> {
    const seconds = Number(args[0]?.replace(/s$/, ''));
    if (args.length !== 1 || !Number.isFinite(seconds) || seconds < 0) {
      io.stderr(args.length === 0 ? 'sleep: missing operand\n' : `sleep: invalid time interval '${args.join(' ')}'\n`);
      return 1;
    }
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) return resolve();
      const timer = setTimeout(resolve, seconds * 1000);
      io.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    return io.signal.aborted ? INTERRUPTED : 0;
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

  /** Open a file in the editor; a name that is not there yet is created empty first (as an editor's save would). */
  async #edit(args: string[], io: CommandIO): Promise<number> {
    if (args.length !== 1) {
      io.stderr('edit: usage: edit FILE\n');
      return 1;
    }
    const path = resolvePath(this.cwd, args[0]);
    const ws = this.host.workspace;
    const node = ws.stat(path);
    if (node?.kind === 'dir' || path === '') {
      io.stderr(`edit: ${args[0]}: Is a directory\n`);
      return 1;
    }
    if (!node) {
      const parent = ws.stat(parentOf(path));
      if (!parent || parent.kind !== 'dir') {
        io.stderr(`edit: ${args[0]}: ${parent ? 'Not a directory' : 'No such file or directory'}\n`);
        return 1;
      }
      await ws.write(path, '');
    }
    this.host.edit(path);
    io.stdout(`${this.#text(node ? 'shell.opened' : 'shell.created', { path: displayPath(path) })}\n`);
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
