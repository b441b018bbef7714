/**
 * `DockerApiEngine`: the Engine API spoken to a kernel service over the Docker Engine API, so the
 * playground drives a remote engine through the same interface as its own. Plain calls go over
 * `fetch`; attach and exec start over the attach/ws WebSocket (ws-protocol.ts), since a browser
 * cannot hijack a connection. Errors come back as EngineError with the code the status maps to
 * (error-status.ts); progress streams come back as the same ProgressEvents the engine emitted.
 *
 * Ordering: the output of an attachment arrives on its WebSocket, a wait's answer on another
 * connection. So that callers see what a local engine gives them - all output before the exit -
 * `waitContainer`, `inspectExec` and `exec_die` events are held until the matching attachments
 * have closed (the server closes them after the last output).
 */
import { API_VERSION } from '../core/system.ts';
import type {
  AttachOptions,
  AttachStream,
  BuildOptions,
  BuildResult,
  Change,
  CommitOptions,
  ContainerCreate,
  ContainerInspect,
  ContainerSummary,
  DiskUsage,
  EndpointConfig,
  Engine,
  EngineEvent,
  ExecCreate,
  ExecInspect,
  HistoryEntry,
  ImageInspect,
  ImportOptions,
  PathStat,
  ContainerStats,
  ContainerUpdate,
  TopResult,
  ImageSummary,
  LayerView,
  LogsOptions,
  NetworkCreate,
  NetworkInspect,
  ProgressEvent,
  ProgressListener,
  PruneReport,
  RemovedImage,
  SystemInfo,
  VersionInfo,
  Volume,
  WaitResult,
} from '../engine.ts';
import { EngineError } from '../errors.ts';
import { DEFAULT_TAG, familiarName, familiarRepository, namesTagOrDigest, parseReference } from '../oci/reference.ts';
import type { Digest, LogEntry, RegistryAuth } from '../ports.ts';
import { writeTar } from '../tar/tar-writer.ts';
import { decodePathStat, PATH_STAT_HEADER } from './archive-endpoints.ts';
import { errorCodeForStatus, errorCodeOf } from './error-status.ts';
import { FrameDecoder } from './frames.ts';
import { JsonLineDecoder } from './json-stream.ts';
import { encodeRegistryAuth, REGISTRY_AUTH_HEADER } from './registry-auth.ts';
import { ATTACH_WS_PROTOCOL, parseServerControl, TOKEN_HEADER, TOKEN_PROTOCOL_PREFIX } from './ws-protocol.ts';

/** The part of the browser's WebSocket this client uses (the `ws` package's WebSocket fits too). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number): void;
}
export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export interface DockerApiEngineOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:2375`. */
  baseUrl: string;
  /** Sent as TOKEN_HEADER on every request, and as a WebSocket subprotocol on attach. */
  token?: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Default: the global WebSocket (browsers; Node 22). Node 20 tests inject `ws`'s. */
  WebSocket?: WebSocketConstructor;
  /** The `/v1.xx` prefix; default the API version this engine speaks. */
  apiVersion?: string;
}

interface Attachment {
  containerId?: string;
  containerName?: string;
  execId?: string;
  closed: Promise<void>;
}

type Query = Record<string, string | number | boolean | string[] | undefined>;

interface CallOptions {
  query?: Query;
  json?: unknown;
  body?: Uint8Array;
  contentType?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

const WS_OPEN = 1;
const decoder = new TextDecoder();

function bool(v: boolean | undefined): string | undefined {
  return v === undefined ? undefined : v ? '1' : '0';
}

function seg(name: string): string {
  return encodeURIComponent(name);
}

/** Split a target reference into Docker's `repo` and `tag` query values. */
function repoAndTag(target: string): { repo: string; tag?: string } {
  const slash = target.lastIndexOf('/');
  const colon = target.lastIndexOf(':');
  if (colon > slash) return { repo: target.slice(0, colon), tag: target.slice(colon + 1) };
  return { repo: target };
}

/**
 * A pull/push reference as the docker CLI sends it: the repository, and its tag (or digest) apart -
 * `latest` when it names none, nothing at all when every tag is meant.
 */
function splitTag(reference: string, allTags: boolean | undefined): { repository: string; tag?: string } {
  const ref = parseReference(reference);
  const repository = familiarRepository(ref);
  if (allTags) {
    if (namesTagOrDigest(reference)) throw new EngineError('invalid-argument', "tag can't be used with --all-tags/-a");
    return { repository };
  }
  return { repository, tag: ref.digest ?? ref.tag ?? DEFAULT_TAG };
}

export class DockerApiEngine implements Engine {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #prefix: string;
  readonly #attachments = new Set<Attachment>();

  constructor(options: DockerApiEngineOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#WebSocket = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    this.#prefix = `/v${options.apiVersion ?? API_VERSION}`;
  }

  // ---------- transport ----------

  #url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) params.append(k, item);
      else params.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
    }
    const qs = params.toString();
    return `${this.#base}${this.#prefix}${path}${qs ? '?' + qs : ''}`;
  }

  async #call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.#token) headers[TOKEN_HEADER] = this.#token;
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body) {
      headers['Content-Type'] = options.contentType ?? 'application/octet-stream';
      body = options.body as BodyInit;
    }
    let response: Response;
    try {
      response = await this.#fetch(this.#url(path, options.query), { method, headers, body, signal: options.signal });
    } catch (e) {
      throw new EngineError('unavailable', `cannot reach the kernel service at ${this.#base}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (response.status >= 300) throw await this.#error(response);
    return response;
  }

  async #error(response: Response): Promise<EngineError> {
    const text = response.status === 304 ? '' : await response.text().catch(() => '');
    let message = text.trim();
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // not Docker's error body: the text is the message
    }
    if (response.status === 304) message = 'not modified';
    return new EngineError(errorCodeForStatus(response.status), message || `${response.status} ${response.statusText}`);
  }

  async #json<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.#call(method, path, options);
    return (await response.json()) as T;
  }

  async #empty(method: string, path: string, options: CallOptions = {}): Promise<void> {
    const response = await this.#call(method, path, options);
    await response.arrayBuffer();
  }

  /** Read a streamed body chunk by chunk. */
  async #read(response: Response, onChunk: (chunk: Uint8Array) => void): Promise<void> {
    if (!response.body) {
      onChunk(new Uint8Array(await response.arrayBuffer()));
      return;
    }
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value?.length) onChunk(value);
    }
  }

  /** A progress stream: each event to `listener`; an error line is thrown once the stream ends. */
  async #progress(response: Response, listener: (event: ProgressEvent) => void): Promise<void> {
    const lines = new JsonLineDecoder();
    let failure: EngineError | undefined;
    const take = (values: unknown[]) => {
      for (const v of values) {
        const event = v as ProgressEvent & { errorDetail?: { code?: number; message: string; kind?: string } };
        if (event.errorDetail || event.error) {
          const message = event.errorDetail?.message ?? event.error ?? 'unknown error';
          // A code in the stream is a build step's exit status (Docker's daemon sends no other);
          // `kind` is our own server's error code (json-stream.ts errorEvent).
          const exitCode = event.errorDetail?.code;
          const kind = errorCodeOf(event.errorDetail?.kind) ?? (exitCode ? 'invalid-argument' : 'internal');
          failure ??= new EngineError(kind, message, exitCode ? { exitCode } : undefined);
          continue;
        }
        if (!failure) listener(event);
      }
    };
    try {
      await this.#read(response, (chunk) => take(lines.push(chunk)));
      take(lines.end());
    } catch (e) {
      if (e instanceof EngineError) throw e;
      throw new EngineError('unavailable', `the stream from the kernel service broke off: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (failure) throw failure;
  }

  /** Wait until the attachments that match have closed (their last output has arrived). */
  async #settled(match: (a: Attachment) => boolean): Promise<void> {
    await Promise.all([...this.#attachments].filter(match).map((a) => a.closed));
  }

  #matchesContainer(id: string): (a: Attachment) => boolean {
    return (a) => a.containerId !== undefined && (a.containerId === id || a.containerId.startsWith(id) || a.containerName === `/${id}` || a.containerName === id);
  }

  /** Open an attach/ws session and resolve once the server says the attachment is in place. */
  #openStream(path: string, query: Query, options: AttachOptions, kind: { execId?: string }): Promise<AttachStream> {
    const WS = this.#WebSocket;
    if (!WS) return Promise.reject(new EngineError('unavailable', 'this host has no WebSocket: attach needs one'));
    const url = this.#url(path, query).replace(/^http/, 'ws');
    const protocols = [ATTACH_WS_PROTOCOL, ...(this.#token ? [TOKEN_PROTOCOL_PREFIX + this.#token] : [])];
    const ws = new WS(url, protocols);
    ws.binaryType = 'arraybuffer';
    const frames = new FrameDecoder();
    let markClosed = () => {};
    const attachment: Attachment = { ...kind, closed: new Promise<void>((resolve) => (markClosed = resolve)) };
    const stream: AttachStream = {
      write: async (data) => {
        if (ws.readyState === WS_OPEN && data.length) ws.send(data.slice());
      },
      closeStdin: async () => {
        if (ws.readyState === WS_OPEN) ws.send(JSON.stringify({ type: 'close-stdin' }));
      },
      detach: async () => {
        ws.close(1000);
      },
    };
    return new Promise<AttachStream>((resolve, reject) => {
      let attached = false;
      ws.onmessage = (ev) => {
        if (typeof ev.data === 'string') {
          let control;
          try {
            control = parseServerControl(ev.data);
          } catch (e) {
            reject(new EngineError('internal', `attach: ${e instanceof Error ? e.message : String(e)}`));
            ws.close(1000);
            return;
          }
          if (control.type === 'error') {
            reject(new EngineError(errorCodeForStatus(control.status), control.message));
            return;
          }
          attached = true;
          if (!kind.execId) {
            attachment.containerId = control.Id;
            attachment.containerName = control.Name;
          }
          this.#attachments.add(attachment);
          resolve(stream);
          return;
        }
        const bytes = ev.data instanceof ArrayBuffer ? new Uint8Array(ev.data) : new Uint8Array(ev.data as ArrayBufferLike);
        try {
          for (const f of frames.push(bytes)) if (f.stream === 1 || f.stream === 2) options.onOutput(f.stream, f.payload);
        } catch {
          ws.close(1000);
        }
      };
      ws.onclose = () => {
        this.#attachments.delete(attachment);
        markClosed();
        if (!attached) reject(new EngineError('unavailable', `the kernel service closed the attach connection of ${path}`));
      };
      ws.onerror = () => {
        // onclose follows and settles everything
      };
    });
  }

  // ---------- system ----------

  async ping(): Promise<'OK'> {
    const response = await this.#call('GET', '/_ping');
    const text = await response.text();
    if (text !== 'OK') throw new EngineError('unavailable', `unexpected ping answer: ${JSON.stringify(text.slice(0, 80))}`);
    return 'OK';
  }

  version(): Promise<VersionInfo> {
    return this.#json('GET', '/version');
  }

  info(): Promise<SystemInfo> {
    return this.#json('GET', '/info');
  }

  diskUsage(): Promise<DiskUsage> {
    return this.#json('GET', '/system/df');
  }

  prune(options: { all?: boolean; volumes?: boolean } = {}): Promise<PruneReport> {
    return this.#json('POST', '/system/prune', { query: { all: bool(options.all), volumes: bool(options.volumes) } });
  }

  pruneContainers(): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    return this.#json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune').then((r) => ({ ...r, ContainersDeleted: r.ContainersDeleted ?? [] }));
  }

  pruneImages(options: { all?: boolean } = {}): Promise<{ ImagesDeleted: RemovedImage[]; SpaceReclaimed: number }> {
    const filters = JSON.stringify({ dangling: [String(!options.all)] });
    return this.#json<{ ImagesDeleted: RemovedImage[] | null; SpaceReclaimed: number }>('POST', '/images/prune', { query: { filters } }).then((r) => ({ ...r, ImagesDeleted: r.ImagesDeleted ?? [] }));
  }

  pruneVolumes(options: { all?: boolean } = {}): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const filters = JSON.stringify(options.all ? { all: ['true'] } : {});
    return this.#json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', { query: { filters } }).then((r) => ({ ...r, VolumesDeleted: r.VolumesDeleted ?? [] }));
  }

  pruneBuildCache(): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }> {
    return this.#json<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/build/prune').then((r) => ({ ...r, CachesDeleted: r.CachesDeleted ?? [] }));
  }

  /** Resolves once the server has subscribed (its head has arrived). */
  async events(listener: (event: EngineEvent) => void, options: { since?: number } = {}): Promise<() => void> {
    const abort = new AbortController();
    const query = options.since === undefined ? {} : { since: options.since.toFixed(9) };
    const response = await this.#call('GET', '/events', { signal: abort.signal, query });
    const lines = new JsonLineDecoder();
    let chain = Promise.resolve();
    const deliver = (event: EngineEvent) => {
      const execId = event.Action === 'exec_die' ? event.Actor.Attributes.execID : undefined;
      // An exec's end is told after its output: hold it until its stream has closed.
      chain = chain.then(async () => {
        if (execId) await this.#settled((a) => a.execId === execId);
        if (!abort.signal.aborted) listener(event);
      }).catch(() => {});
    };
    void this.#read(response, (chunk) => {
      for (const v of lines.push(chunk)) deliver(v as EngineEvent);
    }).catch(() => {});
    return () => abort.abort();
  }

  // ---------- images ----------

  async pull(reference: string, options: { onProgress?: ProgressListener; allTags?: boolean; auth?: RegistryAuth } = {}): Promise<ImageInspect> {
    // As the docker CLI asks: the repository and its tag apart; no tag at all means every tag.
    const { repository, tag } = splitTag(reference, options.allTags);
    const headers: Record<string, string> = options.auth ? { [REGISTRY_AUTH_HEADER]: encodeRegistryAuth(options.auth) } : {};
    const response = await this.#call('POST', '/images/create', { query: { fromImage: repository, ...(tag ? { tag } : {}) }, headers });
    await this.#progress(response, (e) => options.onProgress?.(e));
    return this.inspectImage(options.allTags ? `${repository}:${DEFAULT_TAG}` : reference).catch((e: unknown) => {
      if (options.allTags && e instanceof EngineError && e.code === 'not-found') return this.#anyImageOf(repository);
      throw e;
    });
  }

  async #anyImageOf(repository: string): Promise<ImageInspect> {
    const image = (await this.listImages()).find((i) => i.RepoTags.some((t) => t.startsWith(repository + ':')));
    if (!image) throw new EngineError('not-found', `No such image: ${repository}`);
    return this.inspectImage(image.Id);
  }

  async push(reference: string, options: { onProgress?: ProgressListener; allTags?: boolean; auth?: RegistryAuth } = {}): Promise<{ Digest: Digest; Size: number }> {
    const { repository, tag } = splitTag(reference, options.allTags);
    // As the docker CLI: a push always carries the header, `{}` without a login.
    const headers = { [REGISTRY_AUTH_HEADER]: encodeRegistryAuth(options.auth) };
    const response = await this.#call('POST', `/images/${seg(repository)}/push`, { query: tag ? { tag } : {}, headers });
    let result: { Digest: Digest; Size: number } | undefined;
    await this.#progress(response, (e) => {
      if (e.aux?.Digest) result = { Digest: e.aux.Digest as Digest, Size: e.aux.Size ?? 0 };
      options.onProgress?.(e);
    });
    if (!result) throw new EngineError('internal', `push of ${reference} ended without a digest`);
    return result;
  }

  async build(options: BuildOptions): Promise<BuildResult> {
    const context = writeTar([
      ...Object.entries(options.context).map(([path, content]) => ({ type: 'file' as const, path, content, mode: 0o644 })),
      ...Object.entries(options.links ?? {}).map(([path, target]) => ({ type: 'symlink' as const, path, target })),
    ]);
    const response = await this.#call('POST', '/build', {
      query: {
        t: options.tags,
        dockerfile: options.dockerfile,
        buildargs: options.buildArgs ? JSON.stringify(options.buildArgs) : undefined,
        labels: options.labels ? JSON.stringify(options.labels) : undefined,
        target: options.target,
        nocache: bool(options.noCache),
        q: bool(options.quiet),
      },
      body: context,
      contentType: 'application/x-tar',
    });
    let id: string | undefined;
    const tagged: string[] = [];
    await this.#progress(response, (e) => {
      if (e.aux?.ID) id = e.aux.ID;
      // quiet: the server adds the ID line docker -q prints; the engine itself gave only the aux.
      if (options.quiet && e.stream !== undefined && e.stream.trim() === id) return;
      const t = /^Successfully tagged (.+)\n$/.exec(e.stream ?? '');
      if (t) tagged.push(t[1]);
      options.onProgress?.(e);
    });
    if (!id) throw new EngineError('internal', 'the build ended without an image ID');
    const tags = options.quiet ? (options.tags ?? []).map((t) => familiarName(parseReference(t))) : tagged;
    return { ImageId: id, Tags: tags, Warnings: [] };
  }

  listImages(options: { all?: boolean } = {}): Promise<ImageSummary[]> {
    return this.#json('GET', '/images/json', { query: { all: bool(options.all) } });
  }

  inspectImage(reference: string): Promise<ImageInspect> {
    return this.#json('GET', `/images/${seg(reference)}/json`);
  }

  history(reference: string): Promise<HistoryEntry[]> {
    return this.#json('GET', `/images/${seg(reference)}/history`);
  }

  imageLayers(reference: string): Promise<LayerView[]> {
    return this.#json('GET', `/images/${seg(reference)}/layers`);
  }

  tag(source: string, target: string): Promise<void> {
    const { repo, tag } = repoAndTag(target);
    return this.#empty('POST', `/images/${seg(source)}/tag`, { query: { repo, tag } });
  }

  removeImage(reference: string, options: { force?: boolean; noprune?: boolean } = {}): Promise<RemovedImage[]> {
    return this.#json('DELETE', `/images/${seg(reference)}`, { query: { force: bool(options.force), noprune: bool(options.noprune) } });
  }

  async saveImages(references: string[]): Promise<Uint8Array> {
    const response = await this.#call('GET', '/images/get', { query: { names: references } });
    return new Uint8Array(await response.arrayBuffer());
  }

  async loadImages(archive: Uint8Array, options: { onProgress?: ProgressListener } = {}): Promise<string[]> {
    const response = await this.#call('POST', '/images/load', { body: archive, contentType: 'application/x-tar' });
    const names: string[] = [];
    await this.#progress(response, (e) => {
      const loaded = /^Loaded image(?: ID)?: (.+)\n$/.exec(e.stream ?? '');
      if (loaded) names.push(loaded[1]);
      options.onProgress?.(e);
    });
    return names;
  }

  async importImage(archive: Uint8Array, options: ImportOptions = {}): Promise<string> {
    const { repo, tag } = options.reference ? repoAndTag(options.reference) : { repo: undefined, tag: undefined };
    const query = { fromSrc: '-', repo, tag, message: options.message || undefined, changes: options.changes };
    const response = await this.#call('POST', '/images/create', { query, body: archive, contentType: 'application/x-tar' });
    let id = '';
    await this.#progress(response, (e) => {
      if (e.status?.startsWith('sha256:')) id = e.status;
    });
    if (!id) throw new EngineError('internal', 'the kernel service did not answer with the imported image ID');
    return id;
  }

  // ---------- containers ----------

  createContainer(options: ContainerCreate): Promise<{ Id: string; Warnings: string[] }> {
    const { name, ...body } = options;
    return this.#json('POST', '/containers/create', { query: { name }, json: body });
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.#empty('POST', `/containers/${seg(id)}/start`);
    } catch (e) {
      if (e instanceof EngineError && e.code === 'not-modified') throw new EngineError('not-modified', 'container already started');
      throw e;
    }
  }

  attachContainer(id: string, options: AttachOptions): Promise<AttachStream> {
    const query = { stream: true, stdin: options.stdin ?? false, stdout: options.stdout ?? true, stderr: options.stderr ?? true };
    return this.#openStream(`/containers/${seg(id)}/attach/ws`, query, options, {});
  }

  async waitContainer(id: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<WaitResult> {
    const result = await this.#json<WaitResult>('POST', `/containers/${seg(id)}/wait`, { query: { condition } });
    await this.#settled(this.#matchesContainer(id));
    return result;
  }

  async stopContainer(id: string, options: { timeout?: number } = {}): Promise<void> {
    try {
      await this.#empty('POST', `/containers/${seg(id)}/stop`, { query: { t: options.timeout } });
    } catch (e) {
      if (e instanceof EngineError && e.code === 'not-modified') throw new EngineError('not-modified', 'container already stopped');
      throw e;
    }
  }

  killContainer(id: string, options: { signal?: string } = {}): Promise<void> {
    return this.#empty('POST', `/containers/${seg(id)}/kill`, { query: { signal: options.signal } });
  }

  updateContainer(id: string, update: ContainerUpdate): Promise<{ Warnings: string[] }> {
    return this.#json('POST', `/containers/${seg(id)}/update`, { json: update });
  }

  stats(id: string): Promise<ContainerStats> {
    return this.#json('GET', `/containers/${seg(id)}/stats`, { query: { stream: false } });
  }

  top(id: string, psArgs?: string): Promise<TopResult> {
    return this.#json('GET', `/containers/${seg(id)}/top`, { query: { ps_args: psArgs || undefined } });
  }

  async exportContainer(id: string): Promise<Uint8Array> {
    const response = await this.#call('GET', `/containers/${seg(id)}/export`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async statPath(id: string, path: string): Promise<PathStat> {
    const response = await this.#call('HEAD', `/containers/${seg(id)}/archive`, { query: { path } });
    return decodePathStat(response.headers.get(PATH_STAT_HEADER));
  }

  async getArchive(id: string, path: string): Promise<{ stat: PathStat; archive: Uint8Array }> {
    const response = await this.#call('GET', `/containers/${seg(id)}/archive`, { query: { path } });
    const stat = decodePathStat(response.headers.get(PATH_STAT_HEADER));
    return { stat, archive: new Uint8Array(await response.arrayBuffer()) };
  }

  putArchive(id: string, path: string, archive: Uint8Array, options: { noOverwriteDirNonDir?: boolean } = {}): Promise<void> {
    const query = { path, noOverwriteDirNonDir: bool(options.noOverwriteDirNonDir) };
    return this.#empty('PUT', `/containers/${seg(id)}/archive`, { query, body: archive, contentType: 'application/x-tar' });
  }

  renameContainer(id: string, newName: string): Promise<void> {
    return this.#empty('POST', `/containers/${seg(id)}/rename`, { query: { name: newName } });
  }

  removeContainer(id: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    return this.#empty('DELETE', `/containers/${seg(id)}`, { query: { force: bool(options.force), v: bool(options.volumes) } });
  }

  listContainers(options: { all?: boolean; size?: boolean } = {}): Promise<ContainerSummary[]> {
    return this.#json('GET', '/containers/json', { query: { all: bool(options.all), size: bool(options.size) } });
  }

  inspectContainer(id: string): Promise<ContainerInspect> {
    return this.#json('GET', `/containers/${seg(id)}/json`);
  }

  /**
   * Logs always travel with timestamps (a LogEntry has its time); frames give the stream, a Tty
   * container's raw bytes are stdout, one entry per line as the engine keeps them.
   */
  async logs(id: string, options: LogsOptions = {}): Promise<LogEntry[]> {
    const { Config } = await this.inspectContainer(id);
    const response = await this.#call('GET', `/containers/${seg(id)}/logs`, {
      query: {
        stdout: options.stdout ?? true,
        stderr: options.stderr ?? true,
        follow: bool(options.follow),
        tail: options.tail === undefined ? undefined : String(options.tail),
        since: options.since,
        timestamps: true,
      },
    });
    const entries: LogEntry[] = [];
    const add = (stream: 'stdout' | 'stderr', payload: Uint8Array) => {
      const space = payload.indexOf(0x20);
      const entry: LogEntry = { stream, time: decoder.decode(payload.subarray(0, space)), data: payload.slice(space + 1) };
      entries.push(entry);
      options.onEntry?.(entry);
    };
    if (Config.Tty) {
      let pending = new Uint8Array(0);
      await this.#read(response, (chunk) => {
        const joined = new Uint8Array(pending.length + chunk.length);
        joined.set(pending);
        joined.set(chunk, pending.length);
        let start = 0;
        for (let i = 0; i < joined.length; i++) {
          if (joined[i] !== 10) continue;
          add('stdout', joined.slice(start, i + 1));
          start = i + 1;
        }
        pending = joined.slice(start);
      });
      if (pending.length) add('stdout', pending);
    } else {
      const frames = new FrameDecoder();
      await this.#read(response, (chunk) => {
        for (const f of frames.push(chunk)) if (f.stream === 1 || f.stream === 2) add(f.stream === 1 ? 'stdout' : 'stderr', f.payload);
      });
    }
    return entries;
  }

  changes(id: string): Promise<Change[]> {
    return this.#json('GET', `/containers/${seg(id)}/changes`);
  }

  commit(id: string, options: CommitOptions = {}): Promise<{ Id: string }> {
    return this.#json('POST', '/commit', {
      query: { container: id, repo: options.repo, tag: options.tag, comment: options.comment, author: options.author, changes: options.changes, pause: bool(options.pause) },
    });
  }

  resizeContainer(id: string, rows: number, cols: number): Promise<void> {
    return this.#empty('POST', `/containers/${seg(id)}/resize`, { query: { h: rows, w: cols } });
  }

  // ---------- exec ----------

  createExec(containerId: string, options: ExecCreate): Promise<{ Id: string }> {
    return this.#json('POST', `/containers/${seg(containerId)}/exec`, { json: options });
  }

  startExec(execId: string, options: AttachOptions): Promise<AttachStream> {
    const query = { stdin: options.stdin ?? false, stdout: options.stdout ?? true, stderr: options.stderr ?? true };
    return this.#openStream(`/exec/${seg(execId)}/start/ws`, query, options, { execId });
  }

  resizeExec(execId: string, rows: number, cols: number): Promise<void> {
    return this.#empty('POST', `/exec/${seg(execId)}/resize`, { query: { h: rows, w: cols } });
  }

  async inspectExec(execId: string): Promise<ExecInspect> {
    const info = await this.#json<ExecInspect>('GET', `/exec/${seg(execId)}/json`);
    if (!info.Running && info.ExitCode !== null) await this.#settled((a) => a.execId === execId);
    return info;
  }

  // ---------- volumes ----------

  createVolume(options: { Name?: string; Labels?: Record<string, string> } = {}): Promise<Volume> {
    return this.#json('POST', '/volumes/create', { json: options });
  }

  listVolumes(): Promise<{ Volumes: Volume[]; Warnings: string[] }> {
    return this.#json('GET', '/volumes');
  }

  inspectVolume(name: string): Promise<Volume> {
    return this.#json('GET', `/volumes/${seg(name)}`);
  }

  removeVolume(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.#empty('DELETE', `/volumes/${seg(name)}`, { query: { force: bool(options.force) } });
  }

  // ---------- networks ----------

  createNetwork(options: NetworkCreate): Promise<{ Id: string; Warning: string }> {
    return this.#json('POST', '/networks/create', { json: options });
  }

  listNetworks(options: { filters?: Record<string, string[]> } = {}): Promise<NetworkInspect[]> {
    return this.#json('GET', '/networks', { query: { filters: options.filters ? JSON.stringify(options.filters) : undefined } });
  }

  inspectNetwork(name: string): Promise<NetworkInspect> {
    return this.#json('GET', `/networks/${seg(name)}`);
  }

  removeNetwork(name: string): Promise<void> {
    return this.#empty('DELETE', `/networks/${seg(name)}`);
  }

  connectNetwork(network: string, container: string, options: EndpointConfig = {}): Promise<void> {
    return this.#empty('POST', `/networks/${seg(network)}/connect`, { json: { Container: container, EndpointConfig: options } });
  }

  disconnectNetwork(network: string, container: string, options: { force?: boolean } = {}): Promise<void> {
    return this.#empty('POST', `/networks/${seg(network)}/disconnect`, { json: { Container: container, Force: options.force ?? false } });
  }

  pruneNetworks(): Promise<{ NetworksDeleted: string[] }> {
    return this.#json('POST', '/networks/prune');
  }
}
