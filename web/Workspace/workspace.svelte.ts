import { WorkspaceDb, type StoredEntry } from './workspace-db.ts';
import { baseName, checkName, isWithin, joinPath, parentOf } from './workspace-paths.ts';
import { loadExamples, EXAMPLES_VERSION } from './examples.ts';

export type EntryKind = 'file' | 'dir';

export interface Entry {
  path: string;
  kind: EntryKind;
  content?: Uint8Array;
  modified: number;
}

export interface TreeRow {
  path: string;
  name: string;
  kind: EntryKind;
  depth: number;
  expanded: boolean;
}

export type WorkspaceFailure = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EINVAL';

const REASONS: Record<WorkspaceFailure, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EINVAL: 'Invalid argument',
};

/** A file operation that failed, worded as coreutils words it ("No such file or directory"). */
export class WorkspaceError extends Error {
  constructor(readonly failure: WorkspaceFailure, readonly path: string, detail?: string) {
    super(detail ?? REASONS[failure]);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a tab tells the others after a write (the entries as stored, the paths deleted). */
interface Change {
  puts: StoredEntry[];
  deletes: string[];
}

/**
 * The learner's files: example projects, their own Dockerfiles, uploads. The terminal's host shell,
 * the file tree and the editor all work on this one object; it keeps them in memory for the views and
 * writes every change through to its IndexedDB database before the call resolves.
 */
export class Workspace {
  entries = $state.raw<ReadonlyMap<string, Entry>>(new Map());
  loaded = $state(false);
  /** The file open in the editor. */
  openPath = $state<string | null>(null);
  /** Folders open in the tree. */
  expanded = $state.raw<ReadonlySet<string>>(new Set(['']));

  /** 'saved' once the editor's last change is in IndexedDB. */
  saveState = $state<'saved' | 'saving' | 'error'>('saved');
  /** Moves when another tab changed the open file: the editor shows the new text. */
  revision = $state(0);

  /** The tree as shown: folders in `expanded` open, depth-first, folders before files. */
  visibleRows = $derived.by(() => {
    const children = new Map<string, Entry[]>();
    for (const entry of this.entries.values()) {
      const parent = parentOf(entry.path);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent)!.push(entry);
    }
    const rows: TreeRow[] = [];
    const walk = (dir: string, depth: number) => {
      const list = (children.get(dir) ?? []).sort((a, b) =>
        a.kind === b.kind ? baseName(a.path).localeCompare(baseName(b.path)) : a.kind === 'dir' ? -1 : 1);
      for (const entry of list) {
        const open = entry.kind === 'dir' && this.expanded.has(entry.path);
        rows.push({ path: entry.path, name: baseName(entry.path), kind: entry.kind, depth, expanded: open });
        if (open) walk(entry.path, depth + 1);
      }
    };
    walk('', 0);
    return rows;
  });

  #db: WorkspaceDb | null = null;
  /**
   * Every tab of the playground shows one workspace: what one tab writes, the others hear of here
   * (and apply without reading IndexedDB again). A tab's own unsaved edits win over what it hears.
   */
  #channel: BroadcastChannel | null = null;
  #unsaved = new Map<string, StoredEntry>();
  #saveTimer: ReturnType<typeof setTimeout> | null = null;

  async load(dbName = 'dockyard-workspace'): Promise<void> {
    this.#db = await WorkspaceDb.open(dbName);
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(`${dbName}:changes`);
      this.#channel.onmessage = (event: MessageEvent<Change>) => this.#heard(event.data);
    }
    const stored = await this.#db.all();
    if ((await this.#db.getMeta<number>('examples')) !== EXAMPLES_VERSION) {
      await this.#seed(stored);
    } else {
      this.#replace(stored);
    }
    const open = await this.#db.getMeta<string>('open');
    if (open && this.entries.get(open)?.kind === 'file') this.open(open);
    this.loaded = true;
  }

  stat(path: string): Entry | undefined {
    if (path === '') return { path: '', kind: 'dir', modified: 0 };
    return this.entries.get(path);
  }

  /** The entries directly inside `dir`, folders first, then by name. */
  list(dir: string): Entry[] {
    const node = this.stat(dir);
    if (!node) throw new WorkspaceError('ENOENT', dir);
    if (node.kind !== 'dir') throw new WorkspaceError('ENOTDIR', dir);
    const children: Entry[] = [];
    for (const entry of this.entries.values()) {
      if (parentOf(entry.path) === dir && entry.path !== '') children.push(entry);
    }
    return children.sort((a, b) => (a.kind === b.kind ? a.path.localeCompare(b.path) : a.kind === 'dir' ? -1 : 1));
  }

  read(path: string): Uint8Array {
    const node = this.stat(path);
    if (!node) throw new WorkspaceError('ENOENT', path);
    if (node.kind === 'dir') throw new WorkspaceError('EISDIR', path);
    return node.content ?? new Uint8Array();
  }

  readText(path: string): string {
    return decoder.decode(this.read(path));
  }

  /** Write a file, creating its folders; a folder in the way is an error. */
  async write(path: string, content: Uint8Array | string): Promise<void> {
    if (path === '') throw new WorkspaceError('EISDIR', path);
    const existing = this.entries.get(path);
    if (existing?.kind === 'dir') throw new WorkspaceError('EISDIR', path);
    const parents = this.#missingParents(parentOf(path));
    const bytes = typeof content === 'string' ? encoder.encode(content) : content;
    await this.#commit([...parents, { path, kind: 'file', content: bytes, modified: Date.now() }], []);
  }

  async append(path: string, content: string): Promise<void> {
    const existing = this.entries.get(path);
    const before = existing?.kind === 'file' ? existing.content ?? new Uint8Array() : new Uint8Array();
    const added = encoder.encode(content);
    const joined = new Uint8Array(before.length + added.length);
    joined.set(before);
    joined.set(added, before.length);
    await this.write(path, joined);
  }

  /**
   * A keystroke in the editor: visible at once to everything that reads the workspace (a build
   * started now sees it), written to IndexedDB a moment later so typing is not one transaction per key.
   */
  edit(path: string, text: string): void {
    const entry: StoredEntry = { path, kind: 'file', content: encoder.encode(text), modified: Date.now() };
    const next = new Map(this.entries);
    next.set(path, entry);
    this.entries = next;
    this.#unsaved.set(path, entry);
    this.saveState = 'saving';
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => void this.flush(), 300);
  }

  /** Write the editor's pending changes now (also called when the page is hidden). */
  async flush(): Promise<void> {
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.#saveTimer = null;
    const entries = [...this.#unsaved.values()];
    this.#unsaved.clear();
    if (entries.length === 0) return;
    try {
      await this.#db?.apply(entries, []);
      this.#channel?.postMessage({ puts: entries, deletes: [] } satisfies Change);
      if (this.#unsaved.size === 0) this.saveState = 'saved';
    } catch {
      this.saveState = 'error';
    }
  }

  async mkdir(path: string, options: { parents?: boolean } = {}): Promise<void> {
    const existing = this.stat(path);
    if (existing) {
      if (options.parents && existing.kind === 'dir') return;
      throw new WorkspaceError('EEXIST', path);
    }
    const parent = parentOf(path);
    if (!options.parents) {
      const p = this.stat(parent);
      if (!p) throw new WorkspaceError('ENOENT', path);
      if (p.kind !== 'dir') throw new WorkspaceError('ENOTDIR', path);
    }
    const parents = this.#missingParents(parent);
    await this.#commit([...parents, { path, kind: 'dir', modified: Date.now() }], []);
  }

  async remove(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    if (path === '') throw new WorkspaceError('EINVAL', path, 'refusing to remove the workspace root');
    const node = this.stat(path);
    if (!node) throw new WorkspaceError('ENOENT', path);
    const inside = [...this.entries.keys()].filter((p) => isWithin(p, path));
    if (node.kind === 'dir' && !options.recursive) {
      throw new WorkspaceError(inside.length > 1 ? 'ENOTEMPTY' : 'EISDIR', path);
    }
    if (this.openPath && isWithin(this.openPath, path)) this.open(null);
    await this.#commit([], inside);
  }

  /** Rename a file or folder (with everything in it); the target must not exist. */
  async rename(from: string, to: string): Promise<void> {
    const node = this.stat(from);
    if (!node || from === '') throw new WorkspaceError('ENOENT', from);
    if (this.stat(to)) throw new WorkspaceError('EEXIST', to);
    if (isWithin(to, from)) throw new WorkspaceError('EINVAL', to, 'cannot move a folder into itself');
    const error = checkName(baseName(to));
    if (error) throw new WorkspaceError('EINVAL', to, error);
    const moved: StoredEntry[] = [];
    const removed: string[] = [];
    for (const entry of this.entries.values()) {
      if (!isWithin(entry.path, from)) continue;
      removed.push(entry.path);
      moved.push({ ...entry, path: to + entry.path.slice(from.length), modified: Date.now() });
    }
    const parents = this.#missingParents(parentOf(to));
    await this.#commit([...parents, ...moved], removed);
    if (this.openPath && isWithin(this.openPath, from)) this.open(to + this.openPath.slice(from.length));
  }

  /** Files under `dir`, keyed by their path relative to it: the build context of `docker build`. */
  context(dir: string): Record<string, Uint8Array> {
    const node = this.stat(dir);
    if (!node) throw new WorkspaceError('ENOENT', dir);
    if (node.kind !== 'dir') throw new WorkspaceError('ENOTDIR', dir);
    const files: Record<string, Uint8Array> = {};
    for (const entry of this.entries.values()) {
      if (entry.kind === 'file' && isWithin(entry.path, dir) && entry.path !== dir) {
        files[dir ? entry.path.slice(dir.length + 1) : entry.path] = entry.content ?? new Uint8Array();
      }
    }
    return files;
  }

  /** Add uploaded files (paths relative to `dir`, as a folder upload gives them). */
  async upload(dir: string, files: Array<{ path: string; content: Uint8Array }>): Promise<void> {
    const puts: StoredEntry[] = [];
    const made = new Set<string>();
    for (const file of files) {
      const path = joinPath(dir, file.path.split('/').filter((p) => p && p !== '.' && p !== '..').join('/'));
      if (this.entries.get(path)?.kind === 'dir') throw new WorkspaceError('EISDIR', path);
      for (const parent of this.#missingParents(parentOf(path))) {
        if (!made.has(parent.path)) puts.push(parent);
        made.add(parent.path);
      }
      puts.push({ path, kind: 'file', content: file.content, modified: Date.now() });
    }
    await this.#commit(puts, []);
  }

  /** Put back the example projects as shipped (the learner's other files stay). */
  async restoreExamples(): Promise<void> {
    const examples = await loadExamples();
    await this.upload('', examples);
  }

  open(path: string | null): void {
    this.openPath = path;
    if (path) this.reveal(path);
    void this.#db?.setMeta('open', path);
  }

  reveal(path: string): void {
    const next = new Set(this.expanded);
    for (let dir = parentOf(path); ; dir = parentOf(dir)) {
      next.add(dir);
      if (dir === '') break;
    }
    this.expanded = next;
  }

  toggle(dir: string): void {
    const next = new Set(this.expanded);
    if (next.has(dir)) next.delete(dir);
    else next.add(dir);
    this.expanded = next;
  }

  #missingParents(dir: string): StoredEntry[] {
    const missing: StoredEntry[] = [];
    for (let d = dir; d !== ''; d = parentOf(d)) {
      const node = this.entries.get(d);
      if (node?.kind === 'dir') break;
      if (node) throw new WorkspaceError('ENOTDIR', d);
      missing.unshift({ path: d, kind: 'dir', modified: Date.now() });
    }
    return missing;
  }

  async #commit(puts: StoredEntry[], deletes: string[]): Promise<void> {
    for (const path of deletes) this.#unsaved.delete(path);
    for (const entry of puts) this.#unsaved.delete(entry.path);
    const next = new Map(this.entries);
    for (const path of deletes) next.delete(path);
    for (const entry of puts) next.set(entry.path, entry);
    this.entries = next;
    await this.#db?.apply(puts, deletes);
    this.#channel?.postMessage({ puts, deletes } satisfies Change);
  }

  /** Another tab's change, already in IndexedDB: shown here too. */
  #heard(change: Change): void {
    const next = new Map(this.entries);
    for (const path of change.deletes) if (!this.#unsaved.has(path)) next.delete(path);
    for (const entry of change.puts) if (!this.#unsaved.has(entry.path)) next.set(entry.path, entry);
    this.entries = next;
    const open = this.openPath;
    if (open && !next.has(open)) this.open(null);
    else if (open && change.puts.some((e) => e.path === open) && !this.#unsaved.has(open)) this.revision += 1;
  }

  async #seed(stored: StoredEntry[]): Promise<void> {
    this.#replace(stored);
    // Only what is missing: a learner's edit of an example outlives a newer version of it
    // (restoreExamples puts the shipped version back on request).
    const missing = (await loadExamples()).filter((f) => !this.entries.has(f.path));
    await this.upload('', missing);
    await this.#db?.setMeta('examples', EXAMPLES_VERSION);
  }

  #replace(stored: StoredEntry[]): void {
    this.entries = new Map(stored.map((e) => [e.path, e]));
  }
}
