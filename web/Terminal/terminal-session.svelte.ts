import type { EngineSession } from '../app/engine-session.svelte.ts';
import type { Workspace } from '../Workspace/workspace.svelte.ts';
import { absolutePath, resolvePath } from '../Workspace/workspace-paths.ts';
import type { CommandHistory } from './command-history.ts';
import { complete, type CompletionSources, type FlagInfo } from './completion.ts';
import { loadCli, runDockerCommand } from './docker-runner.ts';
import { COMMAND_NAMES, HostShell, type CommandIO } from './host-shell.ts';
import { splitKeys, type Key } from './key-sequences.ts';
import { LineEditor } from './line-editor.ts';
import { StdinSource } from './stdin-source.ts';
import { columnsOf, wrapWords } from './text-width.ts';
import { whenIdle } from '../lib/idle.ts';
import { t } from '../i18n/locale.svelte.ts';

/** The part of a terminal emulator a session writes to; xterm.js in the page, a fake in tests. */
export interface Screen {
  write(data: string | Uint8Array): void;
  clear(): void;
  readonly cols: number;
  readonly rows: number;
}

export interface TerminalContext {
  workspace: Workspace;
  engine: EngineSession;
  history: CommandHistory;
  edit(path: string): void;
}

/** docker's command names and flags for completion, from engine/cli once it has loaded. */
let dockerVocabulary: { commands: string[]; groups: Record<string, string[]>; flags: Map<string, FlagInfo[]> } = { commands: [], groups: {}, flags: new Map() };
// Loaded once the page is idle: the first paint and the first prompt do not wait for the CLI.
whenIdle(() => {
  void loadCli().then((cli) => {
    if (!cli) return;
    type Spec = { flags?: Array<{ name: string; short?: string; type: string; hidden?: boolean }> };
    const flagsOf = (spec: Spec): FlagInfo[] =>
      (spec.flags ?? []).filter((f) => !f.hidden).map((f) => ({ long: f.name, ...(f.short ? { short: f.short } : {}), value: f.type !== 'bool' }));
    const flags = new Map<string, FlagInfo[]>();
    for (const [name, spec] of Object.entries(cli.COMMANDS)) flags.set(name, flagsOf(spec));
    for (const [group, g] of Object.entries(cli.GROUPS)) {
      for (const [name, spec] of Object.entries(g.commands)) flags.set(`${group} ${name}`, flagsOf(spec));
    }
    dockerVocabulary = {
      commands: Object.keys(cli.COMMANDS),
      groups: Object.fromEntries(Object.entries(cli.GROUPS).map(([name, g]) => [name, Object.keys(g.commands)])),
      flags,
    };
  });
}, 2000);

const GREEN = '\x1b[1;32m';
const BLUE = '\x1b[1;34m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

interface Foreground {
  controller: AbortController;
  stdin: StdinSource;
  line: string;
  /** Resolves when the learner gives up on the command (a second Ctrl-C). */
  abandon: () => void;
  abandoned: boolean;
  /** Attached to a container's terminal (`docker run -it`): Ctrl-C is the container's, as 0x03. */
  raw: boolean;
}

/**
 * One terminal tab: its shell, the line being typed, and the command running in the foreground.
 * While a command runs, keys go to it as a terminal in canonical mode would pass them: typed text is
 * echoed and sent a line at a time, Ctrl-D ends input, Ctrl-C interrupts (io.signal).
 */
export class TerminalSession {
  readonly id: number;
  busy = $state(false);
  /** The running command line, shown in the tab. */
  running = $state('');

  readonly shell: HostShell;
  #editor = new LineEditor();
  #screen: Screen | null = null;
  #pending: Array<string | Uint8Array> = [];
  /** Keys sent before the tab was on screen (a tab the tutorial just opened): typed after its first prompt. */
  #early: string[] = [];
  #foreground: Foreground | null = null;
  #cursorRow = 0; // rows between the start of the prompt and the cursor, for redraws
  /** Only the welcome text and the first prompt are on screen: a new width may draw them again. */
  #pristine = false;
  /** The running command's interest in the terminal's size (docker run -t follows it). */
  #resizeListeners = new Set<(rows: number, columns: number) => void>();
  #encoder = new TextEncoder();

  constructor(id: number, private readonly context: TerminalContext, private readonly banner: boolean) {
    this.id = id;
    this.shell = new HostShell({
      workspace: context.workspace,
      docker: (argv, io, cwd) => this.#docker(argv, io, cwd),
      edit: (path) => context.edit(path),
      clear: () => this.#clear(),
      history: () => context.history.lines,
      text: t,
    });
  }

  /** The tab's name, in the page's language. */
  get title(): string {
    return t('shell.tab', { n: this.id });
  }

  attach(screen: Screen): void {
    this.#screen = screen;
    for (const chunk of this.#pending.splice(0)) screen.write(chunk);
    this.#welcome();
    this.#pristine = this.banner;
    for (const data of this.#early.splice(0)) this.input(data);
  }

  /**
   * The welcome text, wrapped at the terminal's width by words (a narrow window must not cut one in
   * half), then the prompt.
   */
  #welcome(): void {
    if (this.banner) {
      const text = t('shell.banner', { name: `${BLUE}Dockyard${RESET}`, help: `${GREEN}help${RESET}` });
      this.#write(`${wrapWords(text, this.#screen?.cols ?? 80)}\n\n  docker run hello-world\n\n`);
    }
    this.#newPrompt();
  }

  /**
   * The terminal's width changed (the window, the layout settling after the first paint): the
   * welcome text is drawn again for it while nothing else has happened on the screen.
   */
  resized(): void {
    if (this.#screen) for (const listener of this.#resizeListeners) listener(this.#screen.rows, this.#screen.cols);
    if (!this.#pristine || !this.#screen) return;
    this.#screen.clear();
    this.#welcome();
  }

  detach(): void {
    this.#screen = null;
    this.#foreground?.controller.abort();
  }

  /** Type a command as if the learner had (the tutorial's "run this" buttons use it). */
  type(line: string): void {
    if (this.#foreground) return;
    this.#pristine = false;
    this.#editor.insert(line);
    this.#redraw();
  }

  /** Keys from the terminal emulator. */
  input(data: string): void {
    if (!this.#screen) {
      this.#early.push(data);
      return;
    }
    this.#pristine = false;
    const keys = splitKeys(data);
    for (let i = 0; i < keys.length; i++) {
      // An Enter starts a command; the rest of a paste goes to it, as keys typed ahead do.
      if (this.#foreground) {
        this.#foregroundInput(keys.slice(i));
        return;
      }
      this.#key(keys[i]);
    }
  }

  #key(key: Key): void {
    const e = this.#editor;
    if (e.search && this.#searchKey(key)) return;
    switch (key.kind) {
      case 'text': e.insert(key.text); break;
      case 'enter': void this.#submit(); return;
      case 'backspace': e.backspace(); break;
      case 'delete': e.deleteForward(); break;
      case 'left': e.left(); break;
      case 'right': e.right(); break;
      case 'up': e.historyUp(); break;
      case 'down': e.historyDown(); break;
      case 'home': e.home(); break;
      case 'end': e.end(); break;
      case 'word-left': e.wordLeft(); break;
      case 'word-right': e.wordRight(); break;
      case 'tab': this.#complete(); return;
      case 'ctrl':
        switch (key.letter) {
          case 'a': e.home(); break;
          case 'e': e.end(); break;
          case 'b': e.left(); break;
          case 'f': e.right(); break;
          case 'p': e.historyUp(); break;
          case 'n': e.historyDown(); break;
          case 'u': e.deleteToStart(); break;
          case 'k': e.deleteToEnd(); break;
          case 'w': e.deleteWordBefore(); break;
          case 'c':
            this.#endLine('^C');
            this.#newPrompt();
            return;
          case 'd':
            if (e.buffer === '') return; // no shell to log out of: ignore, as with ignoreeof
            e.deleteForward();
            break;
          case 'l':
            this.#clear();
            this.#redraw();
            return;
          case 'r':
            e.searchStart();
            break;
          default:
            return;
        }
        break;
      default:
        return;
    }
    this.#redraw();
  }

  /**
   * A key while Ctrl-R searches, as readline takes it: text and Backspace edit the query, Ctrl-R finds
   * the next older match, Ctrl-G gives the line back as it was; any other key keeps the line found
   * and then does what it does (Enter runs it). Returns true when the key was the search's alone.
   */
  #searchKey(key: Key): boolean {
    const e = this.#editor;
    if (key.kind === 'text') e.searchType(key.text);
    else if (key.kind === 'backspace') e.searchBackspace();
    else if (key.kind === 'ctrl' && key.letter === 'r') e.searchStart();
    else if (key.kind === 'ctrl' && key.letter === 'g') e.searchCancel();
    else if (key.kind === 'unknown' && key.seq === '\x1b') e.searchAccept();
    else {
      if (key.kind === 'ctrl' && key.letter === 'c') e.searchCancel();
      else e.searchAccept();
      // The prompt goes back to the shell's before the key acts (Enter must not print the search line).
      this.#redraw();
      return false;
    }
    this.#redraw();
    return true;
  }

  async #submit(): Promise<void> {
    const line = this.#editor.buffer;
    this.#endLine('');
    if (!line.trim()) {
      this.#newPrompt();
      return;
    }
    this.context.history.add(line);
    let abandon = () => {};
    const abandoned = new Promise<void>((resolve) => (abandon = resolve));
    const fg: Foreground = { controller: new AbortController(), stdin: new StdinSource(), line: '', abandon, abandoned: false, raw: false };
    this.#foreground = fg;
    this.busy = true;
    this.running = line.trim();
    // Output of a command the learner walked away from is dropped: the prompt is theirs again.
    const io: CommandIO = {
      stdout: (chunk) => !fg.abandoned && this.#write(chunk),
      stderr: (chunk) => !fg.abandoned && this.#write(chunk),
      stdin: fg.stdin,
      signal: fg.controller.signal,
      isTerminal: true,
      rawInput: (raw) => (fg.raw = raw),
      columns: this.#screen?.cols ?? 80,
      onResize: (listener) => {
        this.#resizeListeners.add(listener);
        return () => this.#resizeListeners.delete(listener);
      },
    };
    try {
      await Promise.race([this.shell.run(line, io), abandoned]);
    } catch (e) {
      // A failure the command did not turn into a message: still no stack trace for the learner.
      this.#write(`sh: ${e instanceof Error ? e.message : String(e)}\n`);
    } finally {
      // Lines typed while it ran that it never read are the shell's, as in a real terminal.
      const typedAhead = fg.abandoned ? [] : fg.stdin.drain();
      const partial = fg.abandoned ? '' : fg.line;
      fg.stdin.close();
      this.#foreground = null;
      this.busy = false;
      this.running = '';
      this.context.engine.changed(line.trim());
      if (this.#screen) {
        this.#newPrompt();
        const decoder = new TextDecoder();
        const text = typedAhead.map((c) => decoder.decode(c, { stream: true })).join('') + decoder.decode() + partial;
        if (text) this.input(text.replace(/\n/g, '\r'));
      }
    }
  }

  #foregroundInput(keys: Key[]): void {
    const fg = this.#foreground!;
    for (const key of keys) {
      if (key.kind === 'ctrl' && key.letter === 'c') {
        fg.line = '';
        if (fg.raw) {
          // The container's terminal discards the line typed so far and interrupts its reader; an
          // interactive shell prompts again and the container keeps running (docker run -it).
          this.#write('^C\n');
          fg.stdin.push(new Uint8Array([0x03]));
        } else if (!fg.controller.signal.aborted) {
          this.#write('^C\n');
          fg.controller.abort();
        } else {
          // The interrupt was sent and the container ignored it, as a process with PID 1 and no
          // handler does on Linux. Give the prompt back; the container keeps running.
          this.#write(`^C\n${DIM}${wrapWords(t('shell.stillRunning'), this.#screen?.cols ?? 80)}${RESET}\n`);
          fg.abandoned = true;
          fg.abandon();
        }
      } else if (key.kind === 'ctrl' && key.letter === 'd') {
        if (fg.line) {
          fg.stdin.push(this.#encoder.encode(fg.line));
          fg.line = '';
        } else if (fg.raw) {
          // The container's terminal: Ctrl-D is end of file for one read (`cat` ends, the shell
          // that ran it reads on), as the byte a pseudo-terminal turns into that.
          fg.stdin.push(new Uint8Array([0x04]));
        } else {
          fg.stdin.close();
        }
      } else if (key.kind === 'enter') {
        this.#write('\n');
        fg.stdin.push(this.#encoder.encode(`${fg.line}\n`));
        fg.line = '';
      } else if (key.kind === 'backspace') {
        if (fg.line) {
          const last = [...fg.line].pop()!;
          fg.line = fg.line.slice(0, -last.length);
          const w = columnsOf(last);
          this.#write('\b'.repeat(w) + ' '.repeat(w) + '\b'.repeat(w));
        }
      } else if (key.kind === 'text') {
        fg.line += key.text;
        this.#write(key.text);
      } else if (key.kind === 'tab') {
        fg.line += '\t';
        this.#write('\t');
      }
    }
  }

  #complete(): void {
    const ws = this.context.workspace;
    const engine = this.context.engine;
    const sources: CompletionSources = {
      shellCommands: COMMAND_NAMES,
      dockerCommands: dockerVocabulary.commands,
      dockerGroups: dockerVocabulary.groups,
      dockerFlags: (path) => dockerVocabulary.flags.get(path.join(' ')) ?? [],
      images: () => engine.images.flatMap((i) => [...i.RepoTags.filter((t) => t !== '<none>:<none>'), ...i.RepoTags.map((t) => t.replace(/:latest$/, ''))]),
      containers: () => engine.containers.flatMap((c) => c.Names.map((n) => n.replace(/^\//, ''))),
      files: (dir) => {
        const path = resolvePath(this.shell.cwd, dir);
        if (ws.stat(path)?.kind !== 'dir') return null;
        return ws.list(path).map((e) => e.path.slice(e.path.lastIndexOf('/') + 1) + (e.kind === 'dir' ? '/' : ''));
      },
    };
    const result = complete(this.#editor.beforeCursor, sources);
    if (result.candidates.length > 0) {
      // List them below, then draw the prompt again with the line and cursor as they were.
      const cursor = this.#editor.cursor;
      this.#editor.end();
      this.#redraw();
      this.#write(`\n${this.#columns(result.candidates)}`);
      this.#cursorRow = 0;
      this.#editor.cursor = cursor;
      this.#redraw();
      return;
    }
    if (result.text || result.replace) this.#editor.replaceBeforeCursor(result.replace, result.text);
    this.#redraw();
  }

  #columns(words: string[]): string {
    const width = Math.max(...words.map((w) => w.length)) + 2;
    const cols = Math.max(1, Math.floor((this.#screen?.cols ?? 80) / width));
    let out = '';
    words.forEach((w, i) => {
      out += (i % cols === cols - 1 || i === words.length - 1) ? `${w}\n` : w.padEnd(width);
    });
    return out;
  }

  async #docker(argv: string[], io: CommandIO, cwd: string): Promise<number> {
    const session = this.context.engine;
    if (session.status === 'connecting') await session.whenSettled();
    return runDockerCommand(argv, io, {
      engine: session.ready ? session.engine : null,
      engineError: session.error,
      columns: this.#screen?.cols ?? 80,
      rows: this.#screen?.rows ?? 24,
      workingDir: absolutePath(cwd),
      buildContext: async (dir) => this.context.workspace.context(resolvePath(cwd, dir)),
      readFile: async (path) => this.context.workspace.read(resolvePath(cwd, path)),
      writeFile: (path, data) => this.context.workspace.write(resolvePath(cwd, path), data),
      pathKind: async (path) => this.context.workspace.stat(resolvePath(cwd, path))?.kind,
      makeDir: (path) => this.context.workspace.mkdir(resolvePath(cwd, path), { parents: true }),
    });
  }

  // ---- drawing ----

  #promptText(): string {
    const search = this.#editor.search;
    if (search) return `(${search.failed ? 'failed ' : ''}reverse-i-search)\`${search.query}': `;
    return `${GREEN}learner@dockyard${RESET}:${BLUE}${this.shell.prompt}${RESET}$ `;
  }

  #newPrompt(): void {
    this.#editor.reset(this.context.history.lines);
    this.#cursorRow = 0;
    this.#write(this.#promptText());
  }

  /** Move past the line being edited (printing `suffix` first) so output starts on a fresh line. */
  #endLine(suffix: string): void {
    this.#editor.end();
    this.#redraw();
    this.#write(suffix ? `${DIM}${suffix}${RESET}\n` : '\n');
  }

  /**
   * Redraw the prompt and buffer in place, wrapping at the screen width: go back to the row the
   * prompt starts on, clear below, write it again, then put the cursor under the editor's cursor.
   */
  #redraw(): void {
    const cols = this.#screen?.cols ?? 80;
    const e = this.#editor;
    const prompt = this.#promptText();
    let out = this.#cursorRow > 0 ? `\x1b[${this.#cursorRow}A` : '';
    out += `\r\x1b[J${prompt}${e.buffer}`;
    const promptWidth = columnsOf(prompt);
    const total = promptWidth + columnsOf(e.buffer);
    if (total > 0 && total % cols === 0) out += ' \r'; // leave the pending-wrap state xterm keeps at the margin
    const endRow = Math.floor(total / cols);
    const at = promptWidth + columnsOf(e.buffer.slice(0, e.cursor));
    const row = Math.floor(at / cols);
    const col = at % cols;
    if (endRow > row) out += `\x1b[${endRow - row}A`;
    out += '\r';
    if (col > 0) out += `\x1b[${col}C`;
    this.#cursorRow = row;
    this.#writeRaw(out);
  }

  #clear(): void {
    this.#screen?.clear();
    this.#cursorRow = 0;
  }

  #write(data: string | Uint8Array): void {
    this.#writeRaw(data);
  }

  #writeRaw(data: string | Uint8Array): void {
    if (this.#screen) this.#screen.write(data);
    else this.#pending.push(data);
  }
}
