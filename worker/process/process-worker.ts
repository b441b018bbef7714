/**
 * One container process per Worker (module Worker, started by wasi-runtime.ts). The Worker is
 * started ahead of need (a warm pool) with @wasmer/wasi initialised, then given one container:
 * its root file system, its program and a control block. It runs the main process, serves exec
 * and snapshot requests while that process blocks, and reports its changes at exit. Ending the
 * Worker (terminate) is SIGKILL.
 */
import { init } from '@wasmer/wasi';
import { controlViews, REQUEST, REQUEST_LEN, type ControlViews } from './control-block.ts';
import { readDelta } from './memfs-root.ts';
import { isKept, keepRoot, takeRoot, type ContainerRoot } from './kept-root.ts';
import { ProgramCache } from '../../engine/wasi/program-cache.ts';
import { startFailureLine } from '../../engine/wasi/program-path.ts';
import { loadProgram, prepareProgram, runProgram, type PreparedProgram, type ProgramExit, type ProgramRun } from '../../engine/wasi/process-host.ts';
import type { FromProcess, ProcessRequest, ToProcess } from './process-protocol.ts';
import { browserPorts, processKey, type ProcessBinding, type ProcessHost, type ProcessIo, type StdinSource } from './wasi-process.ts';
import { TERMINAL_STDIO } from './terminal-fds.ts';
import type { ProcessExit } from '../../engine/ports.ts';
import { ChannelSockets } from '../net/socket-channel.ts';

declare const self: DedicatedWorkerGlobalScope;

/** How deep requests nest inside a blocked exec (each level is a WASI instance on this thread's stack). */
const MAX_SERVE_DEPTH = 8;

function post(message: FromProcess, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

/**
 * @wasmer/wasi 1.2.2 inlines its runtime as a base64 data URI and decodes it with Node's
 * `Buffer` when `init()` gets no module. This is the one call it makes, so a shim is enough.
 */
function installBufferShim(): void {
  const g = globalThis as { Buffer?: unknown };
  if (g.Buffer) return;
  g.Buffer = {
    from(data: string, encoding: string): Uint8Array {
      if (encoding !== 'base64') throw new Error(`Buffer shim: unsupported encoding ${encoding}`);
      const binary = atob(data);
      const out = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
      return out;
    },
  };
}

installBufferShim();
const ready = init();
ready.then(() => post({ type: 'ready' }));

function takeRequest(control: ControlViews): ProcessRequest | undefined {
  if (Atomics.load(control.words, REQUEST) !== 1) return undefined;
  const len = Atomics.load(control.words, REQUEST_LEN);
  const text = new TextDecoder().decode(control.request.slice(0, len));
  Atomics.store(control.words, REQUEST, 0);
  Atomics.notify(control.words, REQUEST);
  return JSON.parse(text) as ProcessRequest;
}

/**
 * Programs compiled here (execs, dockyard.spawn), per memory limit, for the Worker's life: the next
 * container's `sh` spawns the same box binary again, and compiling its 230 KB for each container
 * cost more than the run. ProgramCache compares a file's bytes before it reuses a module, so a
 * container never runs a module of bytes other than its own file's.
 */
const programCaches = new Map<number | undefined, ProgramCache>();

/** The sockets of the container this Worker runs now (bound to its channel at its start). */
const sockets = new ChannelSockets();

function programCache(memoryBytes: number | undefined): ProgramCache {
  let cache = programCaches.get(memoryBytes);
  if (!cache) programCaches.set(memoryBytes, (cache = new ProgramCache(memoryBytes)));
  return cache;
}

/**
 * The main process of the next container, made ahead on the kept root (kept-root.ts): the same
 * program with the same arguments, environment and directory as the container that just ended
 * there, up to its first instruction. @wasmer/wasi's set-up of a process (its state, the imports,
 * the instance) costs more than running hello-world; a `run` of the same command again - what a
 * learner does, what a script's loop does - then only starts it. Any other command frees it.
 */
let spare: { rootKey: string; key: string; binding: ProcessBinding; process: PreparedProgram } | undefined;
/** The spare about to be made; a container that comes first cancels it (its own end makes the next). */
let spareTimer: ReturnType<typeof setTimeout> | undefined;

function dropSpare(): void {
  spare?.process.free();
  spare = undefined;
}

/** The main process of a container: the program the runtime compiled, with its command line. */
type MainRun = Omit<ProgramRun<ProcessBinding>, 'stdio' | 'depth'>;

/** Prepare the spare for another run like `run` on the root kept under `rootKey`, once the exit has been posted. */
function prepareSpare(rootKey: string, container: ContainerRoot, run: MainRun, control: ProcessIo['control']): void {
  clearTimeout(spareTimer);
  spareTimer = setTimeout(() => {
    spareTimer = undefined;
    if (!isKept(rootKey) || spare) return;
    const binding: ProcessBinding = { run: { control, stdin: { kind: 'empty' } }, host: { write: () => {}, serve: () => {} } };
    const prepared = prepareProgram(browserPorts(container, sockets), programCache(run.memoryBytes), { ...run, stdio: binding, depth: 0 });
    if ('start' in prepared) spare = { rootKey, key: processKey(run), binding, process: prepared };
  }, 0);
}

function runContainer(message: Extract<ToProcess, { type: 'start' }>): void {
  clearTimeout(spareTimer);
  const control = controlViews(message.control);
  const reuseKey = message.reuseRoot ? message.rootKey : undefined;
  // The spare lives on the kept root: it goes before that root does.
  const ready = reuseKey !== undefined && spare?.rootKey === reuseKey ? spare : undefined;
  if (ready) spare = undefined;
  else dropSpare();
  const container = takeRoot(message.root, reuseKey);
  const { anchor, root } = container;
  const ports = browserPorts(container, sockets);
  const onChange = () => {
    root.changed = true;
  };
  // As Docker's OOMKilled: any program of the container killed for memory marks it, while the
  // container's exit status stays its main process's own.
  let programOomKilled = false;
  const onOomKill = () => {
    programOomKilled = true;
  };
  const programs = programCache(message.launch.memoryBytes);
  // Requests are served inside whatever call blocks: an exec's own blocking calls serve the next
  // request too (a second `docker exec`, a `docker diff` while `exec -it sh` waits for a key),
  // nested up to this depth; deeper ones wait for an exec to end.
  let depth = 0;

  const host = (exec?: number): ProcessHost => ({
    write: (fd, data) => post({ type: 'output', fd, data, ...(exec !== undefined ? { exec } : {}) }, [data.buffer]),
    serve,
  });

  function serve(): void {
    if (depth >= MAX_SERVE_DEPTH) return;
    const request = takeRequest(control);
    if (!request) return;
    depth += 1;
    try {
      if (request.kind === 'snapshot') post({ type: 'snapshot', id: request.id, delta: readDelta(anchor.fs, root) });
      else post({ type: 'exec-exit', exec: request.id, exit: runExec(request) });
    } finally {
      depth -= 1;
    }
  }

  function runExec(request: Extract<ProcessRequest, { kind: 'exec' }>): ProcessExit {
    const { trapped: _t, ...exit } = runExecProcess(request);
    return exit;
  }

  function runExecProcess(request: Extract<ProcessRequest, { kind: 'exec' }>): ProgramExit {
    const stdio: ProcessBinding = {
      run: { onChange, onOomKill, control, stdin: request.stdin === undefined ? { kind: 'empty' } : { kind: 'ring', channel: request.stdin }, ...(request.tty ? { terminal: TERMINAL_STDIO } : {}) },
      host: host(request.id),
    };
    const loaded = loadProgram(ports.files, programs, request.args[0] ?? '', request.env, request.cwd);
    if (!('module' in loaded)) {
      if (loaded.error !== undefined) ports.writeError(stdio, startFailureLine(loaded.error, 'exec'));
      return loaded;
    }
    return runProgram(ports, programs, { module: loaded.module, args: request.args, env: request.env, stdio, depth: 0, memoryBytes: message.launch.memoryBytes });
  }

  if (message.net) sockets.use(message.net, control.words, serve);
  else sockets.release();

  const { launch } = message;
  const template: MainRun = { module: launch.module, args: launch.args, env: launch.env, memoryBytes: launch.memoryBytes, init: true };
  const stdin: StdinSource = message.interactive ? { kind: 'ring', channel: 0 } : { kind: 'empty' };
  const main: ProcessBinding = { run: { onChange, onOomKill, control, stdin, ...(message.tty ? { terminal: TERMINAL_STDIO } : {}) }, host: host() };
  let result: ProgramExit;
  if (ready && ready.key === processKey(template)) {
    ready.binding.run = main.run;
    ready.binding.host = main.host;
    result = ready.process.start();
  } else {
    ready?.process.free();
    result = runProgram(ports, programs, { ...template, stdio: main, depth: 0 });
  }
  sockets.release();
  const { trapped, ...exit } = result;
  let delta = null;
  try {
    delta = root.changed ? readDelta(anchor.fs, root) : { written: [], removed: [] };
  } catch {
    // A MemFS left locked by a trap mid-call: the container keeps its previous writable layer.
  }
  const sound = !trapped && !exit.oomKilled && delta !== null;
  // An unchanged root stays for the next container of the same image; otherwise the container's
  // MemFS goes with its anchor. Then the Worker may take the next container.
  let freed = true;
  let keptRoot: string | undefined;
  if (sound && !root.changed && message.rootKey !== undefined) {
    keepRoot(message.rootKey, container);
    keptRoot = message.rootKey;
    prepareSpare(keptRoot, container, template, control);
  } else {
    try {
      anchor.free();
    } catch {
      freed = false;
    }
  }
  post({ type: 'exit', exit: programOomKilled ? { ...exit, oomKilled: true } : exit, delta, reusable: freed && sound, ...(keptRoot !== undefined ? { keptRoot } : {}) });
}

self.onmessage = async (event: MessageEvent<ToProcess>) => {
  await ready;
  if (event.data.type === 'start') runContainer(event.data);
  else if (event.data.type === 'ping') post({ type: 'ready' });
};
