import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ContainerCreate, Engine, ProgressEvent } from '../../engine/engine.ts';
import { EngineError, httpStatus, isEngineError } from '../../engine/errors.ts';
import type { LogEntry } from '../../engine/ports.ts';
import { readTar } from '../../engine/tar/tar-reader.ts';
import { cleanEntryPath } from '../../engine/layers/path-rules.ts';
import { frame, MULTIPLEXED, RAW } from './streams.ts';

/** The API version we speak and advertise (docker CLI 28 negotiates down to it). */
export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.42';

const MiB = 1024 * 1024;
/** Request body limits (HOSTILE 23): JSON documents, and the archives of build and load. */
export const LIMITS = { json: 1 * MiB, archive: 2048 * MiB };

export interface Route {
  path: string;
  query: URLSearchParams;
}

/** `/v1.50/containers/json?all=1` -> `/containers/json`; every path works with or without a version. */
export function parseRoute(url: string): Route | { error: string } {
  const u = new URL(url, 'http://localhost');
  let path = u.pathname;
  const m = /^\/v(\d+)\.(\d+)(\/.*)$/.exec(path);
  if (m) {
    if (Number(m[1]) !== 1 || Number(m[2]) < 12) return { error: `client version ${m[1]}.${m[2]} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version` };
    path = m[3];
  }
  return { path, query: u.searchParams };
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new EngineError('resource-exhausted', `request body too large (${declared} bytes, limit ${limit})`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new EngineError('resource-exhausted', `request body too large (more than ${limit} bytes)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function readJson<T>(req: IncomingMessage): Promise<T> {
  const body = await readBody(req, LIMITS.json);
  if (body.length === 0) return {} as T;
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (e) {
    throw new EngineError('invalid-argument', `invalid JSON: ${(e as Error).message}`);
  }
}

/** Docker's error body: exactly `application/json`, or the CLI prints the raw body. */
export function sendError(res: ServerResponse, e: unknown, extra: Record<string, string> = {}): void {
  const err = isEngineError(e) ? e : new EngineError('internal', (e as Error)?.message ?? String(e));
  let status = httpStatus(err.code);
  if (status === 304) status = 304;
  if (res.headersSent) {
    res.end();
    return;
  }
  if (status === 304) {
    res.writeHead(304, extra);
    res.end();
    return;
  }
  const body = JSON.stringify({ message: err.message });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function bool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === '1' || v === 'true' || v === 'True';
}

/** A JSON progress stream (pull, build, load, push): 200 at once, one JSON object per line, errors in-stream. */
async function progressStream(res: ServerResponse, work: (emit: (e: ProgressEvent) => void) => Promise<void>): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const emit = (e: ProgressEvent) => res.write(JSON.stringify(e) + '\n');
  try {
    await work(emit);
  } catch (e) {
    const message = isEngineError(e) ? e.message : (e as Error).message;
    emit({ errorDetail: { message }, error: message });
  }
  res.end();
}

const HOST_NAMESPACE = new Set(['host']);

/**
 * A create request as the Engine's ContainerCreate, refusing what would reach the host
 * (HOSTILE 22): privileged, capabilities, host namespaces, devices, host paths.
 */
export function toContainerCreate(name: string | null, body: Record<string, unknown>): ContainerCreate {
  const hc = (body.HostConfig ?? {}) as Record<string, unknown>;
  const refuse = (what: string) => {
    throw new EngineError('invalid-argument', `${what} is not allowed on the Dockyard kernel service: containers get no host access`);
  };
  if (hc.Privileged === true) refuse('--privileged');
  if (Array.isArray(hc.CapAdd) && hc.CapAdd.length > 0) refuse('--cap-add');
  for (const [field, flag] of [['PidMode', '--pid'], ['NetworkMode', '--network'], ['IpcMode', '--ipc'], ['UTSMode', '--uts'], ['UsernsMode', '--userns'], ['CgroupnsMode', '--cgroupns']] as const) {
    const v = hc[field];
    if (typeof v === 'string' && (HOST_NAMESPACE.has(v) || v.startsWith('container:'))) refuse(`${flag}=${v}`);
  }
  if (Array.isArray(hc.Devices) && hc.Devices.length > 0) refuse('--device');
  if (Array.isArray(hc.DeviceRequests) && hc.DeviceRequests.length > 0) refuse('--gpus');
  if (Array.isArray(hc.SecurityOpt) && hc.SecurityOpt.some((s) => typeof s === 'string' && /unconfined|no-new-privileges[:=]false/.test(s))) refuse('--security-opt');
  if (Array.isArray(hc.Mounts) && hc.Mounts.length > 0) refuse('--mount');
  if (hc.PortBindings && Object.keys(hc.PortBindings as object).length > 0) refuse('-p');
  const binds = Array.isArray(hc.Binds) ? (hc.Binds as string[]) : undefined;
  for (const b of binds ?? []) {
    const source = String(b).split(':')[0];
    if (source.startsWith('/') || source.startsWith('.') || source.startsWith('~')) refuse(`bind mount of host path ${source}`);
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const out: ContainerCreate = {
    Image: str(body.Image) ?? '',
    ...(name ? { name } : {}),
    ...(list(body.Cmd) ? { Cmd: list(body.Cmd) } : {}),
    ...(list(body.Entrypoint) ? { Entrypoint: list(body.Entrypoint) } : {}),
    ...(list(body.Env) ? { Env: list(body.Env) } : {}),
    ...(str(body.WorkingDir) ? { WorkingDir: str(body.WorkingDir) } : {}),
    ...(str(body.Hostname) ? { Hostname: str(body.Hostname) } : {}),
    Tty: body.Tty === true,
    OpenStdin: body.OpenStdin === true,
    StdinOnce: body.StdinOnce === true,
    AttachStdin: body.AttachStdin === true,
    AttachStdout: body.AttachStdout === true,
    AttachStderr: body.AttachStderr === true,
    ...(body.Labels && typeof body.Labels === 'object' ? { Labels: body.Labels as Record<string, string> } : {}),
    HostConfig: {
      ...(binds ? { Binds: binds } : {}),
      ...(typeof hc.Memory === 'number' && hc.Memory > 0 ? { Memory: hc.Memory } : {}),
      AutoRemove: hc.AutoRemove === true,
    },
  };
  if (!out.Image) throw new EngineError('invalid-argument', 'no image specified');
  return out;
}

/** The build context tar as the Engine's map of files (directories are implied by paths). */
async function contextFiles(tar: Uint8Array): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for await (const e of readTar(tar)) {
    if (e.type !== 'file') continue;
    const path = cleanEntryPath(e.path);
    if (path !== '') files[path] = e.content;
  }
  return files;
}

function logLine(entry: LogEntry, timestamps: boolean): Uint8Array {
  if (!timestamps) return entry.data;
  return Buffer.concat([Buffer.from(`${entry.time} `), entry.data]);
}

/** One request of the Docker Engine API, mapped onto the Engine. Returns false when no route matched. */
export async function handleDocker(engine: Engine, req: IncomingMessage, res: ServerResponse, route: Route): Promise<boolean> {
  const { path, query: q } = route;
  const method = req.method ?? 'GET';
  let m: RegExpExecArray | null;

  if (path === '/_ping' && (method === 'GET' || method === 'HEAD')) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Api-Version': API_VERSION, OSType: 'linux', 'Docker-Experimental': 'false', 'Builder-Version': '1', Swarm: 'inactive', 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' });
    res.end(method === 'HEAD' ? undefined : 'OK');
    return true;
  }
  if (path === '/version' && method === 'GET') return sendJson(res, 200, { ...(await engine.version()), ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION }), true;
  if (path === '/info' && method === 'GET') return sendJson(res, 200, await engine.info()), true;
  if (path === '/system/df' && method === 'GET') return sendJson(res, 200, await engine.diskUsage()), true;
  if (path === '/events' && method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const stop = await engine.events((e) => res.write(JSON.stringify(e) + '\n'));
    res.on('close', stop);
    return true;
  }

  // ---------- containers ----------
  if (path === '/containers/create' && method === 'POST') {
    const body = await readJson<Record<string, unknown>>(req);
    return sendJson(res, 201, await engine.createContainer(toContainerCreate(q.get('name'), body))), true;
  }
  if (path === '/containers/json' && method === 'GET') return sendJson(res, 200, await engine.listContainers({ all: bool(q, 'all') })), true;
  if (path === '/containers/prune' && method === 'POST') {
    const r = await engine.prune({});
    return sendJson(res, 200, { ContainersDeleted: r.ContainersDeleted, SpaceReclaimed: r.SpaceReclaimed }), true;
  }
  if ((m = /^\/containers\/([^/]+)\/(json|start|stop|kill|restart|wait|logs|changes|resize|exec|attach)$/.exec(path))) {
    const id = decodeURIComponent(m[1]);
    switch (`${method} ${m[2]}`) {
      case 'GET json':
        return sendJson(res, 200, await engine.inspectContainer(id)), true;
      case 'POST start':
        await engine.startContainer(id);
        res.writeHead(204).end();
        return true;
      case 'POST stop': {
        const t = q.get('t') ?? q.get('timeout');
        await engine.stopContainer(id, t !== null ? { timeout: Number(t) } : {});
        res.writeHead(204).end();
        return true;
      }
      case 'POST restart': {
        const t = q.get('t');
        await engine.stopContainer(id, t !== null ? { timeout: Number(t) } : {}).catch((e) => {
          if (!isEngineError(e, 'not-modified')) throw e;
        });
        await engine.startContainer(id);
        res.writeHead(204).end();
        return true;
      }
      case 'POST kill':
        await engine.killContainer(id, q.get('signal') ? { signal: q.get('signal')! } : {});
        res.writeHead(204).end();
        return true;
      case 'POST wait': {
        // Check the container first (404 before the 200), then send the headers at once: the
        // CLI waits for them before it sends start.
        await engine.inspectContainer(id);
        const condition = (q.get('condition') ?? 'not-running') as 'not-running' | 'next-exit' | 'removed';
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        try {
          res.end(JSON.stringify(await engine.waitContainer(id, condition)) + '\n');
        } catch (e) {
          res.end(JSON.stringify({ StatusCode: -1, Error: { Message: (e as Error).message } }) + '\n');
        }
        return true;
      }
      case 'GET logs': {
        const c = await engine.inspectContainer(id);
        const tty = c.Config.Tty;
        const timestamps = bool(q, 'timestamps');
        const tail = q.get('tail');
        const stdout = bool(q, 'stdout');
        const stderr = bool(q, 'stderr');
        res.writeHead(200, { 'Content-Type': tty ? RAW : MULTIPLEXED });
        res.flushHeaders();
        const write = (e: LogEntry) => {
          const data = logLine(e, timestamps);
          res.write(tty ? data : frame(e.stream === 'stdout' ? 1 : 2, data));
        };
        const follow = bool(q, 'follow');
        try {
          const entries = await engine.logs(id, {
            stdout,
            stderr,
            follow,
            tail: tail === null || tail === 'all' ? 'all' : Number(tail),
            timestamps,
            ...(q.get('since') ? { since: Number(q.get('since')) } : {}),
            ...(follow ? { onEntry: write } : {}),
          });
          if (!follow) for (const e of entries) write(e);
        } catch {
          // The stream has begun: end it.
        }
        res.end();
        return true;
      }
      case 'GET changes':
        return sendJson(res, 200, await engine.changes(id)), true;
      case 'POST resize':
        await engine.resizeContainer(id, Number(q.get('h') ?? 0), Number(q.get('w') ?? 0)).catch(() => undefined);
        res.writeHead(200).end();
        return true;
      case 'POST exec': {
        const body = await readJson<Record<string, unknown>>(req);
        const create = {
          Cmd: Array.isArray(body.Cmd) ? body.Cmd.map(String) : [],
          ...(Array.isArray(body.Env) ? { Env: body.Env.map(String) } : {}),
          ...(typeof body.WorkingDir === 'string' && body.WorkingDir ? { WorkingDir: body.WorkingDir } : {}),
          Tty: body.Tty === true,
          AttachStdin: body.AttachStdin === true,
          AttachStdout: body.AttachStdout === true,
          AttachStderr: body.AttachStderr === true,
        };
        if (body.Privileged === true) throw new EngineError('invalid-argument', 'exec --privileged is not allowed on the Dockyard kernel service');
        return sendJson(res, 201, await engine.createExec(id, create)), true;
      }
      case 'POST attach':
        throw new EngineError('invalid-argument', 'attach needs a connection upgrade (Upgrade: tcp)');
    }
  }
  if ((m = /^\/containers\/([^/]+)$/.exec(path)) && method === 'DELETE') {
    await engine.removeContainer(decodeURIComponent(m[1]), { force: bool(q, 'force'), volumes: bool(q, 'v') });
    res.writeHead(204).end();
    return true;
  }
  if (path === '/commit' && method === 'POST') {
    const container = q.get('container') ?? '';
    const changes = q.getAll('changes').flatMap((c) => c.split('\n')).filter((c) => c.trim() !== '');
    const r = await engine.commit(container, {
      ...(q.get('repo') ? { repo: q.get('repo')! } : {}),
      ...(q.get('tag') ? { tag: q.get('tag')! } : {}),
      ...(q.get('comment') ? { comment: q.get('comment')! } : {}),
      ...(q.get('author') ? { author: q.get('author')! } : {}),
      ...(changes.length ? { changes } : {}),
    });
    return sendJson(res, 201, r), true;
  }
  if ((m = /^\/exec\/([^/]+)\/(json|resize)$/.exec(path))) {
    const id = decodeURIComponent(m[1]);
    if (m[2] === 'json' && method === 'GET') return sendJson(res, 200, await engine.inspectExec(id)), true;
    if (m[2] === 'resize' && method === 'POST') return res.writeHead(200).end(), true;
  }

  // ---------- images ----------
  if (path === '/images/create' && method === 'POST') {
    const from = q.get('fromImage');
    if (!from) throw new EngineError('invalid-argument', 'importing images from a tarball (fromSrc) is not supported; use docker load');
    const tag = q.get('tag');
    const ref = tag ? (tag.startsWith('sha256:') ? `${from}@${tag}` : `${from}:${tag}`) : from;
    await progressStream(res, async (emit) => void (await engine.pull(ref, { onProgress: emit })));
    return true;
  }
  if (path === '/images/json' && method === 'GET') return sendJson(res, 200, await engine.listImages({ all: bool(q, 'all') })), true;
  if (path === '/images/load' && method === 'POST') {
    const body = await readBody(req, LIMITS.archive);
    await progressStream(res, async (emit) => void (await engine.loadImages(new Uint8Array(body.buffer, body.byteOffset, body.length), { onProgress: emit })));
    return true;
  }
  if (path === '/images/get' && method === 'GET') {
    const tar = await engine.saveImages(q.getAll('names'));
    res.writeHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': tar.length });
    res.end(tar);
    return true;
  }
  if (path === '/images/prune' && method === 'POST') {
    const r = await engine.prune({ all: true });
    return sendJson(res, 200, { ImagesDeleted: r.ImagesDeleted, SpaceReclaimed: r.SpaceReclaimed }), true;
  }
  if ((m = /^\/images\/(.+)\/(json|history|tag|push|get)$/.exec(path))) {
    const name = decodeURIComponent(m[1]);
    switch (`${method} ${m[2]}`) {
      case 'GET json':
        return sendJson(res, 200, await engine.inspectImage(name)), true;
      case 'GET history':
        return sendJson(res, 200, await engine.history(name)), true;
      case 'POST tag': {
        const repo = q.get('repo') ?? '';
        const tag = q.get('tag');
        await engine.tag(name, tag ? `${repo}:${tag}` : repo);
        res.writeHead(201).end();
        return true;
      }
      case 'POST push': {
        const tag = q.get('tag');
        await progressStream(res, async (emit) => void (await engine.push(tag ? `${name}:${tag}` : name, { onProgress: emit })));
        return true;
      }
      case 'GET get': {
        const tar = await engine.saveImages([name]);
        res.writeHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': tar.length });
        res.end(tar);
        return true;
      }
    }
  }
  if ((m = /^\/images\/(.+)$/.exec(path)) && method === 'DELETE') {
    return sendJson(res, 200, await engine.removeImage(decodeURIComponent(m[1]), { force: bool(q, 'force'), noprune: bool(q, 'noprune') })), true;
  }
  if (path === '/build' && method === 'POST') {
    const body = await readBody(req, LIMITS.archive);
    const parseMap = (name: string): Record<string, string> => {
      const v = q.get(name);
      if (!v) return {};
      try {
        const o = JSON.parse(v) as Record<string, string | null>;
        return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== null)) as Record<string, string>;
      } catch {
        throw new EngineError('invalid-argument', `invalid ${name}: not a JSON object`);
      }
    };
    const buildArgs = parseMap('buildargs');
    const labels = parseMap('labels');
    const context = await contextFiles(new Uint8Array(body.buffer, body.byteOffset, body.length));
    await progressStream(res, async (emit) => {
      await engine.build({
        context,
        ...(q.get('dockerfile') ? { dockerfile: q.get('dockerfile')! } : {}),
        tags: q.getAll('t'),
        buildArgs,
        labels,
        noCache: bool(q, 'nocache'),
        quiet: bool(q, 'q'),
        onProgress: emit,
      });
    });
    return true;
  }

  // ---------- volumes ----------
  if (path === '/volumes' && method === 'GET') return sendJson(res, 200, await engine.listVolumes()), true;
  if (path === '/volumes/create' && method === 'POST') {
    const body = await readJson<{ Name?: string; Labels?: Record<string, string>; Driver?: string }>(req);
    if (body.Driver && body.Driver !== 'local') throw new EngineError('invalid-argument', `volume driver ${body.Driver} is not supported (only local)`);
    return sendJson(res, 201, await engine.createVolume({ ...(body.Name ? { Name: body.Name } : {}), ...(body.Labels ? { Labels: body.Labels } : {}) })), true;
  }
  if (path === '/volumes/prune' && method === 'POST') {
    const r = await engine.prune({ volumes: true });
    return sendJson(res, 200, { VolumesDeleted: r.VolumesDeleted, SpaceReclaimed: r.SpaceReclaimed }), true;
  }
  if ((m = /^\/volumes\/([^/]+)$/.exec(path))) {
    const name = decodeURIComponent(m[1]);
    if (method === 'GET') return sendJson(res, 200, await engine.inspectVolume(name)), true;
    if (method === 'DELETE') {
      await engine.removeVolume(name, { force: bool(q, 'force') });
      res.writeHead(204).end();
      return true;
    }
  }
  return false;
}

/** Hijacked attach and exec start: `101 UPGRADED`, then stdin in and frames out on the same socket. */
export async function handleHijack(engine: Engine, req: IncomingMessage, socket: Duplex, head: Buffer, route: Route): Promise<boolean> {
  const { path, query: q } = route;
  let m: RegExpExecArray | null;
  let tty: boolean;
  let start: (onOutput: (s: 1 | 2, d: Uint8Array) => void) => Promise<{ write(d: Uint8Array): Promise<void>; closeStdin(): Promise<void>; detach(): Promise<void> }>;
  let stopEvents: () => void = () => undefined;
  let ended!: () => void;
  const done = new Promise<void>((r) => (ended = r));
  let stdinHead = head;
  if ((m = /^\/containers\/([^/]+)\/attach$/.exec(path)) && req.method === 'POST') {
    const c = await engine.inspectContainer(decodeURIComponent(m[1]));
    tty = c.Config.Tty;
    stopEvents = await engine.events((e) => {
      if (e.Type === 'container' && e.Actor.ID === c.Id && (e.Action === 'die' || e.Action === 'destroy')) ended();
    });
    const wantStdin = bool(q, 'stdin');
    start = (onOutput) => engine.attachContainer(c.Id, { stdin: wantStdin, stdout: bool(q, 'stdout'), stderr: bool(q, 'stderr'), onOutput });
  } else if ((m = /^\/exec\/([^/]+)\/start$/.exec(path)) && req.method === 'POST') {
    const id = decodeURIComponent(m[1]);
    const exec = await engine.inspectExec(id);
    const length = Number(req.headers['content-length'] ?? 0);
    const body = readJsonFromHead(head.subarray(0, length));
    stdinHead = head.subarray(length);
    tty = exec.ProcessConfig.tty || body.Tty === true;
    stopEvents = await engine.events((e) => {
      if (e.Type === 'container' && e.Action === 'exec_die' && e.Actor.Attributes.execID === id) ended();
    });
    start = (onOutput) => engine.startExec(id, { stdin: true, stdout: true, stderr: true, onOutput });
  } else {
    return false;
  }
  const type = tty ? RAW : MULTIPLEXED;
  // 101 first: output may begin the moment the process starts.
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${type}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  let stream: Awaited<ReturnType<typeof start>>;
  try {
    stream = await start((s, d) => socket.write(tty ? d : frame(s, d)));
  } catch (e) {
    stopEvents();
    const message = Buffer.from(`Error response from daemon: ${(e as Error).message}\n`);
    socket.end(tty ? message : frame(2, message));
    return true;
  }
  if (stdinHead.length > 0) void stream.write(new Uint8Array(stdinHead));
  socket.on('data', (d: Buffer) => void stream.write(new Uint8Array(d)));
  socket.on('end', () => void stream.closeStdin());
  socket.on('error', () => undefined);
  socket.on('close', () => ended());
  void done.then(async () => {
    stopEvents();
    await stream.detach();
    socket.end();
  });
  return true;
}

/** An exec start's JSON body arrives on the upgraded connection (already read by the parser or in `head`). */
function readJsonFromHead(bytes: Buffer): Record<string, unknown> {
  if (bytes.length === 0) return {};
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}
