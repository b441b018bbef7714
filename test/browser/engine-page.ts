/**
 * The page the browser tests drive (test/e2e/worker/*.spec.ts): it exposes the pieces of the
 * browser host on `window.dockyard` for `page.evaluate`. Not part of the playground UI.
 */
import { WasiRuntime, type ContainerRoots } from '../../worker/runtime/wasi-runtime.ts';
import type { RootDelta, RootEntries } from '../../worker/process/process-protocol.ts';
import type { FsNode, RunningProcess } from '../../engine/ports.ts';

/** Roots held in memory: the runner tested without the stores. */
class MemoryRoots implements ContainerRoots {
  readonly trees = new Map<string, Map<string, FsNode>>();

  set(key: string, files: Record<string, Uint8Array>): void {
    const tree = new Map<string, FsNode>([['/', { type: 'dir', mode: 0o755 }]]);
    for (const [path, content] of Object.entries(files)) {
      const parts = path.split('/').filter(Boolean);
      for (let i = 1; i < parts.length; i++) tree.set('/' + parts.slice(0, i).join('/'), { type: 'dir', mode: 0o755 });
      tree.set(path, { type: 'file', mode: 0o755, content });
    }
    this.trees.set(key, tree);
  }

  async root(key: string) {
    const tree = this.trees.get(key)!;
    const entries: RootEntries = [...tree].sort(([a], [b]) => (a < b ? -1 : 1));
    return { entries, programKey: (path: string) => `${key}:${path}` };
  }

  async record(key: string, delta: RootDelta) {
    const tree = this.trees.get(key)!;
    for (const p of delta.removed) for (const k of [...tree.keys()]) if (k === p || k.startsWith(p + '/')) tree.delete(k);
    for (const [p, node] of delta.written) tree.set(p, node);
  }
}

const roots = new MemoryRoots();
const runtime = new WasiRuntime(roots);
runtime.pool.warm();
const processes = new Map<string, RunningProcess>();
const decoder = new TextDecoder();

interface RunOptions {
  args: string[];
  env?: string[];
  cwd?: string;
  stdin?: boolean;
  memoryBytes?: number;
}

const dockyard = {
  isolated: crossOriginIsolated,
  setRoot(key: string, files: Record<string, number[]>) {
    roots.set(key, Object.fromEntries(Object.entries(files).map(([p, b]) => [p, new Uint8Array(b)])));
  },
  files(key: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [p, n] of roots.trees.get(key) ?? []) out[p] = n.type === 'file' ? (n.content.length < 200 ? decoder.decode(n.content) : `<${n.content.length} bytes>`) : n.type;
    return out;
  },
  /** Start a process; output and its arrival times are collected on the returned handle's id. */
  async start(key: string, o: RunOptions) {
    const log: Array<{ fd: 1 | 2; text: string; at: number }> = [];
    const t0 = performance.now();
    const p = await runtime.start(
      key,
      { args: o.args, env: o.env ?? ['PATH=/bin'], cwd: o.cwd ?? '/', hostname: 'box1', tty: false, openStdin: o.stdin ?? false, mounts: [], ...(o.memoryBytes ? { memoryBytes: o.memoryBytes } : {}) },
      {
        stdout: (d) => log.push({ fd: 1, text: decoder.decode(d), at: performance.now() - t0 }),
        stderr: (d) => log.push({ fd: 2, text: decoder.decode(d), at: performance.now() - t0 }),
      },
    );
    const id = `${key}#${Math.random().toString(36).slice(2)}`;
    processes.set(id, p);
    let exitAt = -1;
    const exit = p.exited.then((e) => ((exitAt = performance.now() - t0), e));
    (dockyard.handles as Record<string, unknown>)[id] = { log, exit, get exitAt() { return exitAt; } };
    return id;
  },
  handles: {} as Record<string, unknown>,
  output(id: string, fd?: 1 | 2): string {
    const h = dockyard.handles[id] as { log: Array<{ fd: number; text: string }> };
    return h.log.filter((l) => fd === undefined || l.fd === fd).map((l) => l.text).join('');
  },
  async wait(id: string) {
    const h = dockyard.handles[id] as { exit: Promise<unknown> };
    return h.exit;
  },
  async run(key: string, o: RunOptions) {
    const id = await dockyard.start(key, o);
    const exit = await dockyard.wait(id);
    return { exit, stdout: dockyard.output(id, 1), stderr: dockyard.output(id, 2), id };
  },
  write(id: string, text: string) {
    processes.get(id)!.writeStdin(new TextEncoder().encode(text));
  },
  closeStdin(id: string) {
    processes.get(id)!.closeStdin();
  },
  kill(id: string, signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') {
    processes.get(id)!.kill(signal);
  },
  liveDelta: (key: string) => runtime.liveDelta(key),
  runtime,
};

Object.assign(window, { dockyard });
document.getElementById('status')!.textContent = 'ready';

// ---- the whole engine: the worker + comlink, as the playground uses it ----
import { connectLocalEngine } from '../../worker/connect.ts';
import { openBrowserPorts } from '../../worker/engine-ports.ts';
import type { Engine } from '../../engine/engine.ts';

const engines = new Map<string, ReturnType<typeof connectLocalEngine>>();

/** The engine over its own database (tests isolate themselves by name). */
function engineFor(db = 'dockyard-test'): ReturnType<typeof connectLocalEngine> {
  let e = engines.get(db);
  if (!e) engines.set(db, (e = connectLocalEngine({ db })));
  return e;
}

Object.assign(dockyard, {
  engine: engineFor,
  /**
   * Run a container to its end the way `docker run` does; output collected with arrival order.
   * `calls`: 'one', the Engine's `run` (as our CLI calls it), or 'four', create + attach + wait +
   * start (as a client of the HTTP API calls them).
   */
  async dockerRun(db: string, create: Parameters<Engine['createContainer']>[0], calls: 'one' | 'four' = 'one') {
    const engine = engineFor(db);
    const t0 = performance.now();
    let stdout = '';
    let stderr = '';
    let firstOutputAt = -1;
    const onOutput = (fd: 1 | 2, data: Uint8Array) => {
      if (firstOutputAt < 0) firstOutputAt = performance.now() - t0;
      if (fd === 1) stdout += decoder.decode(data);
      else stderr += decoder.decode(data);
    };
    if (calls === 'one') {
      const { Id, ...exit } = await engine.run({ create, wait: 'next-exit', onOutput });
      return { Id, exit, stdout, stderr, firstOutputAt, exitAt: performance.now() - t0 };
    }
    const { Id } = await engine.createContainer(create);
    const stream = await engine.attachContainer(Id, { stdout: true, stderr: true, onOutput });
    // As `docker run` does: wait for the exit before starting, so --rm cannot remove it first.
    const exited = engine.waitContainer(Id, 'next-exit');
    await engine.startContainer(Id);
    const exit = await exited;
    // The exit is known here; every output came before it (engine-wire.ts), detaching is cleanup.
    const exitAt = performance.now() - t0;
    await stream.detach();
    return { Id, exit, stdout, stderr, firstOutputAt, exitAt };
  },
  /** Every stored blob re-read (and so re-verified) through a second handle on the database. */
  async verifyStore(db: string) {
    const ports = await openBrowserPorts(db);
    const problems: string[] = [];
    for (const d of await ports.blobs.list()) await ports.blobs.get(d).catch((e: Error) => problems.push(`${d}: ${e.message}`));
    for (const [tag, id] of await ports.metadata.list<string>('tags')) {
      if (typeof id === 'string' && id.startsWith('sha256:') && !(await ports.blobs.has(id as `sha256:${string}`))) problems.push(`tag ${tag} -> missing ${id}`);
    }
    return { blobs: (await ports.blobs.list()).length, problems };
  },
  openBrowserPorts,
  decode: (b: Uint8Array) => decoder.decode(b),
});

// ---- benchmark helpers (bench/browser-run.ts) ----
import { bareRun } from './bare-wasi.ts';
import { mergeLayers } from '../../engine/layers/merged-view.ts';

Object.assign(dockyard, {
  /** The bytes of an image's entrypoint program, read from the stored layers. */
  async programBytes(db: string, image: string, command?: string): Promise<Uint8Array> {
    const engine = engineFor(db);
    const inspect = await engine.inspectImage(image);
    const ports = await openBrowserPorts(db);
    const merged = await mergeLayers(await Promise.all(inspect.RootFS.Layers.map((l) => ports.blobs.get(l))));
    const name = command ?? (inspect.Config.Entrypoint ?? inspect.Config.Cmd ?? [])[0];
    const candidates = name.includes('/') ? [name] : ['/usr/local/bin', '/usr/bin', '/bin'].map((d) => `${d}/${name}`);
    const found = candidates.find((p) => merged.tree.get(p.slice(1))?.type === 'file') ?? candidates[0];
    return merged.tree.readFile(found.slice(1));
  },
  /** The baseline: instantiate + run with no engine; times to first output and to exit. */
  async bareRun(moduleOrBytes: WebAssembly.Module | Uint8Array, args: string[]) {
    const t0 = performance.now();
    let firstOutputAt = -1;
    let stdout = '';
    const code = await bareRun(moduleOrBytes, args, (fd, data) => {
      if (firstOutputAt < 0) firstOutputAt = performance.now() - t0;
      if (fd === 1) stdout += decoder.decode(data);
    });
    return { code, stdout, firstOutputAt, exitAt: performance.now() - t0 };
  },
});

let bareWorker: Worker | undefined;

Object.assign(dockyard, {
  /** The baseline run in a Worker that holds the compiled module (bare-worker.ts): times to first output and to exit. */
  async bareWorkerRun(module: WebAssembly.Module, args: string[]) {
    if (!bareWorker) {
      bareWorker = new Worker(new URL('./bare-worker.ts', import.meta.url), { type: 'module' });
      await new Promise<void>((ready) => {
        bareWorker!.onmessage = () => ready();
        bareWorker!.postMessage({ module });
      });
    }
    const worker = bareWorker;
    const t0 = performance.now();
    let firstOutputAt = -1;
    const code = await new Promise<number>((exited) => {
      worker.onmessage = (event: MessageEvent<{ fd?: number; code?: number }>) => {
        if (event.data.code !== undefined) exited(event.data.code);
        else if (firstOutputAt < 0) firstOutputAt = performance.now() - t0;
      };
      worker.postMessage({ args });
    });
    return { code, firstOutputAt, exitAt: performance.now() - t0 };
  },
});

// ---- the benchmark's breakdown (bench/browser-run.ts --breakdown) ----

Object.assign(dockyard, {
  /**
   * One `docker run --rm` with the time each API call took, seen from the page: create, attach,
   * start (until it returned), first output, exit (wait next-exit), removed (wait removed).
   */
  async dockerRunSteps(db: string, create: Parameters<Engine['createContainer']>[0]) {
    const engine = engineFor(db);
    const t0 = performance.now();
    const at = () => performance.now() - t0;
    const { Id } = await engine.createContainer(create);
    const created = at();
    let firstOutputAt = -1;
    const stream = await engine.attachContainer(Id, { stdout: true, stderr: true, onOutput: () => (firstOutputAt < 0 ? (firstOutputAt = at()) : 0) });
    const attached = at();
    let exitAt = -1;
    let removedAt = -1;
    const exited = engine.waitContainer(Id, 'next-exit').then(() => (exitAt = at()));
    const removed = engine.waitContainer(Id, 'removed').then(() => (removedAt = at()));
    await engine.startContainer(Id);
    const started = at();
    await exited;
    await stream.detach();
    const detachedAt = at();
    await removed;
    return { created, attached, started, firstOutputAt, exitAt, detachedAt, removedAt };
  },
  /** One `docker run --rm` as the Engine's one `run` call: when each of its callbacks and its answer reached the page. */
  async dockerRunOneCallSteps(db: string, create: Parameters<Engine['createContainer']>[0]) {
    const engine = engineFor(db);
    const t0 = performance.now();
    const at = () => performance.now() - t0;
    let created = -1;
    let started = -1;
    let firstOutputAt = -1;
    await engine.run({
      create,
      wait: 'next-exit',
      onCreated: () => (created = at()),
      onStarted: () => (started = at()),
      onOutput: () => (firstOutputAt < 0 ? (firstOutputAt = at()) : 0),
    });
    return { created, firstOutputAt, started, exitAt: at() };
  },
  /** What the pieces under a run cost on their own, each a median of `runs`, in ms. */
  async primitives(db: string, image: string, runs: number) {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const time = async (fn: () => Promise<unknown>) => {
      await fn();
      const xs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await fn();
        xs.push(performance.now() - t);
      }
      return median(xs);
    };
    const engine = engineFor(db);
    const ports = await openBrowserPorts(`${db}-primitives`);
    const program = await (dockyard as unknown as { programBytes(db: string, image: string): Promise<Uint8Array> }).programBytes(db, image);
    roots.set('bench-primitive', { '/hello': program });
    // Opening ports starts their own pool of process Workers: time nothing while those boot.
    await new Promise((r) => setTimeout(r, 1000));
    let n = 0;
    return {
      'comlink round trip (engine.ping)': await time(() => engine.ping()),
      'Web Lock request + release': await time(() => navigator.locks.request(`${db}-bench-lock`, async () => {})),
      'IndexedDB get (one record)': await time(() => ports.metadata.get('containers', 'x')),
      'IndexedDB list (containers)': await time(() => ports.metadata.list('containers')),
      'IndexedDB readwrite transaction (one put)': await time(() => ports.metadata.batch([{ op: 'put', bucket: 'settings', key: `k${n++ % 4}`, value: { n } }])),
      'runtime alone (warm Worker, compiled module, MemFS, run, exit)': await time(() => dockyard.run('bench-primitive', { args: ['/hello'] })),
    };
  },
});
