/**
 * The ports: what the engine core needs from a host, and nothing more (after containerd's
 * core/content and core/snapshots). `worker/` implements them over IndexedDB and Web Workers,
 * `kernel-node/` over the disk, overlayfs and runc. Each has a conformance suite in test/ that every
 * adapter must pass.
 *
 * Types from engine/oci are re-declared structurally here (Digest is a template string) so this file
 * stays a leaf that every other module can import.
 */
export type Digest = `sha256:${string}`;

/** What a caller claims about a blob; the store checks the claim before the blob becomes visible. */
export interface BlobClaim {
  digest: Digest;
  /** When given, a body that is longer or shorter is rejected (read stops at size + 1). */
  size?: number;
}

/**
 * Content-addressed bytes: layers (uncompressed tar), configs, manifests.
 *
 * Contract:
 * - `put` streams the bytes to a staging area, hashes them as they arrive, and makes the blob visible
 *   only if the digest (and size, when claimed) match; otherwise it throws EngineError('invalid-content')
 *   and nothing is visible or left behind. Putting a blob that already exists is a cheap no-op that
 *   still consumes (or cancels) the source.
 * - `get` returns the whole blob and verifies it against its digest on every read; a blob that fails
 *   verification throws 'invalid-content' (and the adapter may quarantine it). Missing: 'not-found'.
 * - Quota or disk exhaustion throws 'resource-exhausted' and leaves the store as it was.
 * - `delete` of a missing blob is not an error.
 */
export interface BlobStore {
  put(claim: BlobClaim, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<void>;
  get(digest: Digest): Promise<Uint8Array>;
  has(digest: Digest): Promise<boolean>;
  /** Size in bytes, or undefined when the blob is absent. */
  size(digest: Digest): Promise<number | undefined>;
  delete(digest: Digest): Promise<void>;
  list(): Promise<Digest[]>;
}

/**
 * The buckets of engine metadata; values are plain JSON-serialisable records owned by the core.
 * 'registry' holds a writable registry's manifests, tags and blob links (engine/registry/store-registry.ts).
 */
export type Bucket = 'images' | 'tags' | 'containers' | 'volumes' | 'networks' | 'build-cache' | 'execs' | 'settings' | 'registry';

export type MetadataOp =
  /** `created`: the key is new, made by this engine (a random ID): no store holds it yet. */
  | { op: 'put'; bucket: Bucket; key: string; value: unknown; created?: boolean }
  | { op: 'delete'; bucket: Bucket; key: string };

/**
 * Small JSON records by bucket and key.
 *
 * Contract:
 * - `batch` is atomic: after a crash either every op of the batch is visible or none is. The promise
 *   resolves only once the batch is durable (IndexedDB: the transaction has completed), and with
 *   it every batch made before it.
 * - `batch` with `behind`: the caller does not need the batch durable yet (a container's state
 *   change), so the store may commit it after the promise resolves, with later batches. A crash
 *   may then lose it; the store keeps the earlier whole state. A batch without `behind` (an empty
 *   one too) commits every batch before it.
 * - Reads see this engine's own writes: once `batch` resolved, `get` and `list` answer with it,
 *   committed or not.
 * - `list` with `mayLag`: the caller takes a list that may miss other engines' changes made since
 *   the store last read them (never this engine's own); a store shared by several engines may
 *   then answer from memory.
 * - `get` of a missing key returns undefined; `list` returns entries sorted by key.
 * - Values come back as equal copies, never the caller's objects.
 */
export interface MetadataStore {
  get<T>(bucket: Bucket, key: string): Promise<T | undefined>;
  list<T>(bucket: Bucket, options?: { mayLag?: boolean }): Promise<Array<[string, T]>>;
  batch(ops: MetadataOp[], options?: { behind?: boolean }): Promise<void>;
}

/** One entry of a container's log, as Docker keeps them (json-file driver). */
export interface LogEntry {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, as `docker logs -t` prints. */
  time: string;
  data: Uint8Array;
}

/**
 * Append-only logs per container. `append` may be called many times a second while a container
 * writes; adapters batch as they like but `read` must return everything appended before it was called.
 */
export interface LogStore {
  append(containerId: string, entries: LogEntry[]): Promise<void>;
  read(containerId: string): Promise<LogEntry[]>;
  delete(containerId: string): Promise<void>;
}

/** A file system node as a snapshot reports it; the core turns these into deterministic layer tars. */
export type FsNode =
  | { type: 'file'; mode: number; content: Uint8Array }
  | { type: 'dir'; mode: number }
  | { type: 'symlink'; target: string };

/**
 * One change of a container's writable layer relative to its image: kind as `docker diff`
 * (A added, C changed, D deleted). `node` is the new state for A and C.
 * `opaque` marks a directory that was deleted and recreated (its lower contents are hidden).
 */
export interface SnapshotChange {
  path: string; // absolute, e.g. "/etc/hostname"
  kind: 'A' | 'C' | 'D';
  node?: FsNode;
  opaque?: boolean;
}

/**
 * Root file systems of containers: image layers below, one writable layer per container on top
 * (overlayfs on Linux, a merged in-memory tree in the browser).
 *
 * Contract:
 * - `prepare` is idempotent per key; the layers are diff_ids, bottom first, all present in the
 *   BlobStore (the core checks). A container keeps its writable layer across stop/start until `remove`.
 * - `changes` works on a running container too, and reports only the writable layer: paths sorted,
 *   every ancestor directory of a change that exists in the lower layers reported as 'C'.
 * - `remove` of an unknown key is not an error.
 * - `prepare` with `fresh`: the key is new (a container or build step being created), so no engine
 *   has written its layer yet; an adapter may then skip asking its store for it.
 */
export interface Snapshotter {
  prepare(key: string, layers: Digest[], options?: { fresh?: boolean }): Promise<void>;
  changes(key: string): Promise<SnapshotChange[]>;
  remove(key: string): Promise<void>;
  /**
   * The directory at `path` (absolute) in a prepared snapshot - image layers and writable layer,
   * no volumes - with everything below it: entries relative to `path` ('' is the directory
   * itself), parents before children. Undefined when no directory is there, or a symlink is on
   * the way (never followed). What a volume mounted there starts with (engine/core/volume-copy.ts);
   * called while the container is not running.
   */
  read(key: string, path: string): Promise<VolumeEntries | undefined>;
  /**
   * `mkdir -p` of `path` (absolute) in a prepared snapshot's writable layer, as Docker makes a
   * container's working directory at create (`docker diff` then shows it): links on the way are
   * followed inside the root, what exists is left alone, a file in the way makes nothing.
   * Called while the container is not running.
   */
  makeDir(key: string, path: string): Promise<void>;
  /**
   * `docker cp` into a container: `entries` (paths relative to `dir`, clean, parents first; no '')
   * written into the directory `dir` (absolute, resolved by the core: an existing directory, no
   * link on the way) of a prepared snapshot's writable layer. An entry replaces what is at its
   * path, except that a directory over a directory keeps what is below it and takes the entry's
   * mode. Called while the container is not running. Absent: a host that only builds (no containers).
   */
  write?(key: string, dir: string, entries: VolumeEntries): Promise<void>;
  /**
   * Where the snapshot lives on the host, as Docker's `GraphDriver.Data` in `docker inspect`
   * (overlay2: LowerDir top first, UpperDir, WorkDir). Absent where nothing of it is on a disk.
   */
  describe?(key: string): Promise<Record<string, string>>;
}

/** A directory's contents as files to copy: paths relative to it ('' is the directory itself), parents first. */
export type VolumeEntries = Array<[string, FsNode]>;

/** A named volume's data lives with the host; the core only tracks names and references. */
export interface VolumeStore {
  create(name: string): Promise<void>;
  remove(name: string): Promise<void>;
  /** Bytes used, for `system df`. */
  usage(name: string): Promise<number>;
  /** True when the volume holds nothing at all. */
  isEmpty(name: string): Promise<boolean>;
  /**
   * Fill an empty volume with these entries (relative, clean paths, parents first; '' gives the
   * volume's root directory its mode). Throws 'invalid-argument' for a path leaving the volume.
   */
  populate(name: string, entries: VolumeEntries): Promise<void>;
}

export interface Mount {
  volume: string;
  target: string; // absolute path inside the container
  readOnly: boolean;
}

/** What to run: already resolved by the core from the image config and the create request. */
export interface ProcessSpec {
  args: string[]; // args[0] is the program's path inside the root file system
  env: string[]; // "K=V"
  cwd: string;
  hostname: string;
  tty: boolean;
  /**
   * The terminal a -t process starts on (HostConfig.ConsoleSize). A WASI program has no ioctl to ask
   * its size, so it gets COLUMNS and LINES (engine/wasi containerEnv); a pty is sized to it.
   */
  consoleSize?: { rows: number; cols: number };
  openStdin: boolean;
  /** Linear memory cap in bytes; exceeding it ends the process with 137 and oomKilled. */
  memoryBytes?: number;
  mounts: Mount[];
  /**
   * The container's IPv4 addresses on its networks, in their order (engine/core/network-endpoints.ts):
   * /etc/hosts gives each to the hostname (runtime-files.ts). Absent or empty: loopback only.
   */
  addresses?: string[];
}

export interface ProcessIO {
  /** Called as the process writes, not at exit. Chunks are owned by the receiver. */
  stdout(data: Uint8Array): void;
  stderr(data: Uint8Array): void;
}

export interface ProcessExit {
  exitCode: number;
  oomKilled: boolean;
  /**
   * Set when the runtime could not start the program at all (exitCode is then 125/126/127), in
   * Docker's words. The host writes nothing on the process's stderr then: the core makes it
   * Docker's failed start (the container stays as it was, the CLI prints the error). An exec
   * prints the runtime's line itself, as Docker's does.
   */
  error?: string;
}

export interface RunningProcess {
  writeStdin(data: Uint8Array): void;
  closeStdin(): void;
  /** SIGTERM lets a process exit on its own; SIGKILL ends it at once with exit 137. */
  kill(signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT'): void;
  resize?(rows: number, cols: number): void;
  readonly exited: Promise<ProcessExit>;
  /**
   * True when, by the time `start` resolved, the program had ended without running (not found,
   * not executable): `exited` is then settled or settles without anything in between, its
   * `error` set. The core then fails the start as Docker does. Absent or false: it runs.
   */
  readonly notStarted?: boolean;
  /**
   * The process's ID as the host numbers it (State.Pid in `docker inspect`), known once `start`
   * resolved. Absent where no host process stands for it (the browser): the core numbers it.
   */
  readonly pid?: number;
}

/**
 * Runs one process in a prepared snapshot (after runwasi: a tiny contract; the exit code is a value,
 * not an error). `start` resolves once the process is running; a program that cannot be found or
 * invoked resolves `exited` with 127/126 rather than rejecting. Several processes may run in one
 * snapshot at once (`exec`), sharing its file system.
 */
export interface Runtime {
  start(snapshotKey: string, spec: ProcessSpec, io: ProcessIO): Promise<RunningProcess>;
  /**
   * Snapshot keys whose processes another engine over the same stores runs right now (another tab
   * of the playground). An engine that opens marks containers recorded as running as exited,
   * except these. Absent: no other engine shares the stores.
   */
  runningElsewhere?(): Promise<Set<string>>;
  /**
   * Deliver a signal to a process another engine over the same stores runs (another tab): that
   * engine signals it and records its exit. Resolves true once it took the signal, false when no
   * engine that runs it answered. Absent: no other engine can be asked.
   */
  signalElsewhere?(snapshotKey: string, signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT'): Promise<boolean>;
  /**
   * The ID for the container being created, when the runtime has prepared for it ahead (the
   * kernel service's warm spare is booted under the next container's ID: runc's name, cgroup and
   * hostname follow it). Each ID is handed out once; undefined: the core picks a random one.
   */
  nextContainerId?(): string | undefined;
  /**
   * What the processes of a running container use now (`docker stats`), as the host measures
   * it: memory in bytes (without the page cache it can drop), CPU time in ns since the container
   * started, processes. Undefined when nothing of it runs here. Absent: the host cannot measure.
   */
  usage?(snapshotKey: string): Promise<ContainerUsage | undefined>;
}

/** A running container's resource use (Runtime.usage). */
export interface ContainerUsage {
  memoryBytes: number;
  cpuNanos: number;
  pids: number;
}

/** A manifest or index as fetched: the bytes are kept as they are, the digest is ours. */
export interface FetchedManifest {
  bytes: Uint8Array;
  mediaType: string;
  digest: Digest;
}

/**
 * Credentials for one registry, as Docker's X-Registry-Auth header carries them (the docker CLI's
 * entry for that registry in its config): sent only when the registry asks (a 401 challenge), as
 * HTTP Basic or to its token service. Never stored by an engine.
 */
export interface RegistryAuth {
  username: string;
  password: string;
  /** The registry the entry is for, as the CLI names it; informational. */
  serveraddress?: string;
}

/**
 * The OCI distribution protocol, as a client. `registry` is a host[:port] or the playground's own
 * built-in registry; repositories are paths like "library/box".
 *
 * Contract: blobs and manifests are verified against the digest they were asked by (the
 * Docker-Content-Digest header is never trusted over our own hash); errors: 'not-found',
 * 'unauthorized', 'unavailable', 'invalid-content'.
 */
export interface RegistryClient {
  getManifest(registry: string, repository: string, reference: string): Promise<FetchedManifest>;
  getBlob(registry: string, repository: string, claim: BlobClaim): Promise<AsyncIterable<Uint8Array>>;
  hasBlob(registry: string, repository: string, digest: Digest): Promise<boolean>;
  putBlob(registry: string, repository: string, claim: BlobClaim, data: Uint8Array): Promise<void>;
  putManifest(registry: string, repository: string, reference: string, manifest: FetchedManifest): Promise<void>;
  listTags(registry: string, repository: string): Promise<string[]>;
  /**
   * The same client for one pull or push that answers registries' challenges with `auth`; it
   * shares no tokens with this one (they were given for other credentials). Absent: a client that
   * takes no credentials (the built-in layouts), used as it is.
   */
  withAuth?(auth: RegistryAuth): RegistryClient;
}

/** A container's place on one network, as the core hands it to a NetworkDriver. */
export interface DriverEndpoint {
  networkId: string;
  networkName: string;
  /** 'bridge' (the default bridge and user-defined networks) or 'null' (`none`: loopback only). */
  driver: 'bridge' | 'null';
  /** "172.18.0.0/16"; '' on `none`. */
  subnet: string;
  /** The network's gateway; '' on `none` and on an --internal network (no route out of it). */
  gateway: string;
  internal: boolean;
  /** The container's dotted IPv4 address there; '' on `none`. */
  address: string;
  /** Its MAC address there (from the IP, as Docker's); '' on `none`. */
  mac: string;
  /**
   * Names resolve on this network (user-defined networks: container names, short IDs, aliases);
   * false on the default bridge, as Docker's. The names themselves come from the host's resolver
   * (HostEngine.resolveName), which always reads the current state.
   */
  resolves: boolean;
}

/** One published port: HostIp as the user gave it ('' or "0.0.0.0" for all; loopback only here). */
export interface DriverPortBinding {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

/** A container's network as it comes up at start. */
export interface ContainerNetwork {
  endpoints: DriverEndpoint[];
  ports: DriverPortBinding[];
}

/**
 * What a host does to make the network model real (issue 15's model; the browser's virtual network
 * is issue 16, the kernel's namespaces, bridges and userland proxy issue 17). The core decides every
 * address, port and name (engine/core/network-endpoints.ts); a driver only wires what it is told.
 *
 * Contract:
 * - `attach` runs at each start, after the core has taken the addresses and host ports and before
 *   the runtime starts the process (the process's sockets exist in what attach made). It rejects
 *   with EngineError - 'conflict' with the host's words for a host port something outside the
 *   engine holds - and then leaves nothing behind; the core then fails the start.
 * - `detach` runs once the process has ended (or its start failed after attach): every connection
 *   of the container ends (peers see the end, never a hang), its listeners and published ports go.
 *   It never throws.
 * - `connect` / `disconnect` change a running container's networks (`docker network connect`).
 * - Calls for one container come in order; the same container is attached again only after detach.
 */
export interface NetworkDriver {
  attach(containerId: string, network: ContainerNetwork): Promise<void>;
  connect(containerId: string, endpoint: DriverEndpoint): Promise<void>;
  disconnect(containerId: string, networkId: string): Promise<void>;
  detach(containerId: string): Promise<void>;
}

/** Everything a host hands to the core. */
export interface HostPorts {
  blobs: BlobStore;
  metadata: MetadataStore;
  logs: LogStore;
  snapshots: Snapshotter;
  volumes: VolumeStore;
  runtime: Runtime;
  registry: RegistryClient;
  /** Wires containers' networks (NetworkDriver). Absent: the model only - guests' sockets answer ENETDOWN. */
  network?: NetworkDriver;
  /** Host facts for `docker info`/`version`: "browser" or "linux", CPU count, memory. */
  platform: { host: 'browser' | 'linux'; name: string; ncpu: number; memTotal: number; kernelVersion: string };
  /** The clock, injectable for deterministic tests. Returns ms since the epoch. */
  now?: () => number;
}
