/**
 * The Engine API: what both hosts expose, modelled on the Docker Engine API's operations and field
 * names (../shared/design/DOCKER-API.md) so the kernel service can serve it as that API unchanged and
 * the playground can drive either host through one interface.
 *
 * Conventions:
 * - Field names are Docker's (PascalCase) wherever Docker has the field.
 * - Every failure is an EngineError (engine/errors.ts); nothing else is thrown across this API.
 * - Streams are callbacks so they survive a comlink or WebSocket boundary; a listener may be called
 *   many times before the returned promise settles.
 * - Names and references are resolved as Docker does: a container by full ID, unique ID prefix or
 *   name; an image by reference (`box`, `box:1.0`, `name@sha256:...`), full ID or unique ID prefix.
 */
import type { Digest, LogEntry, RegistryAuth } from './ports.ts';
import type { HealthConfig } from './oci/types.ts';

export type { Digest, RegistryAuth };

// ---------- progress (pull, push, build, load) ----------

/** One line of Docker's JSON progress stream. `stream` is printed as is; `aux` is data, not printed. */
export interface ProgressEvent {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
  errorDetail?: { message: string };
  error?: string;
}
export type ProgressListener = (event: ProgressEvent) => void;

// ---------- system ----------

export interface VersionInfo {
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  GitCommit: string;
  GoVersion: string;
  BuildTime: string;
  Components?: Array<{ Name: string; Version: string; Details?: Record<string, string> }>;
}

export interface SystemInfo {
  ID: string;
  Name: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  ServerVersion: string;
  Driver: string;
  OSType: string;
  OperatingSystem: string;
  Architecture: string;
  KernelVersion: string;
  NCPU: number;
  MemTotal: number;
  SecurityOptions: string[];
  Swarm: { LocalNodeState: 'inactive' };
}

export interface DiskUsage {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: Array<ContainerSummary & { SizeRw: number; SizeRootFs: number }>;
  Volumes: Array<Volume & { UsageData: { Size: number; RefCount: number } }>;
  BuildCache: unknown[];
}

export interface PruneReport {
  ContainersDeleted: string[];
  ImagesDeleted: RemovedImage[];
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}

/** Engine events, as `docker events` shows them (Type container|image|volume, Action create|start|die|...). */
export interface EngineEvent {
  Type: 'container' | 'image' | 'volume' | 'network';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
}

// ---------- images ----------

export interface ImageSummary {
  Id: string; // "sha256:<config digest hex>"
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number; // unix seconds
  Size: number; // bytes of all layers (uncompressed)
  SharedSize: number; // bytes of layers shared with another image, -1 when not computed
  Labels: Record<string, string>;
  Containers: number;
}

export interface ImageConfigFields {
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  StopSignal?: string;
  /** Docker's HEALTHCHECK (Test ["CMD", ...] | ["CMD-SHELL", cmd] | ["NONE"], durations in ns). */
  Healthcheck?: HealthConfig;
  /** SHELL: what runs a CMD-SHELL healthcheck (default ["/bin/sh", "-c"]). */
  Shell?: string[];
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string; // RFC 3339
  Author: string;
  Config: ImageConfigFields;
  Architecture: string; // "wasm"
  Os: string; // "wasi"
  Size: number;
  RootFS: { Type: 'layers'; Layers: Digest[] };
  Metadata: { LastTagTime: string };
}

export interface HistoryEntry {
  Id: string; // image ID for the top entry of each local image, else "<missing>"
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export interface RemovedImage {
  Untagged?: string;
  Deleted?: string;
}

/** One layer of an image as the layer views show it (not a Docker endpoint; the playground's own). */
export interface LayerView {
  diffId: Digest;
  size: number;
  createdBy: string;
  emptyLayer: boolean;
  /** Other local images that have this layer. */
  sharedWith: string[];
  changes: Array<{ path: string; kind: 'A' | 'C' | 'D'; size: number; type: 'file' | 'dir' | 'symlink' }>;
  /** Bytes of this layer's files that later layers overwrite or delete (what `dive` calls wasted). */
  wastedBytes: number;
}

export interface BuildOptions {
  /** The build context: path (relative, "/"-separated) -> content. */
  context: Record<string, Uint8Array>;
  /** The context's symbolic links: path -> target, kept as links (as the docker CLI sends them). */
  links?: Record<string, string>;
  dockerfile?: string; // path inside the context, default "Dockerfile"
  tags?: string[];
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  labels?: Record<string, string>;
  /** `--target`: build the stages up to and including the one of this name, no further. */
  target?: string;
  quiet?: boolean;
  onProgress?: ProgressListener;
}

/** `docker import`: the reference to tag the image with, Dockerfile instructions for its config, the history comment. */
export interface ImportOptions {
  reference?: string;
  changes?: string[];
  message?: string;
}

export interface BuildResult {
  ImageId: string;
  Tags: string[];
  Warnings: string[];
}

// ---------- containers ----------

export interface ContainerCreate {
  name?: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  WorkingDir?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Labels?: Record<string, string>;
  Hostname?: string;
  /** "80/tcp" -> {}: ports the container listens on (added to the image's EXPOSE). */
  ExposedPorts?: Record<string, object>;
  /** "/path" -> {}: anonymous volumes (`-v /path`), added to the image's VOLUME entries. */
  Volumes?: Record<string, object>;
  /** `-u`: only root (every process of this engine runs as root); another user is refused. */
  User?: string;
  /** `--stop-signal`: what `docker stop` sends first (default the image's, else SIGTERM). */
  StopSignal?: string;
  /** `--health-*`, `--no-healthcheck`: merged with the image's HEALTHCHECK field by field, as Docker's. */
  Healthcheck?: HealthConfig;
  HostConfig?: {
    Binds?: string[]; // "volume:/path[:ro]"; host paths are refused
    Memory?: number;
    AutoRemove?: boolean;
    /** [rows, columns] of the terminal a -t container starts on; the docker CLI sends its own. */
    ConsoleSize?: [number, number];
    /** "default" (= bridge), "bridge", "none" or a user-defined network's name or ID; "host" is refused. */
    NetworkMode?: string;
    PortBindings?: PortMap;
    /** `-P`: every exposed port gets a free host port from the ephemeral range. */
    PublishAllPorts?: boolean;
  };
  /** Per network (name or ID, the one of NetworkMode first): the aliases it is known by there. */
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointConfig> };
}

/** What a create or `network connect` asks of one endpoint. */
export interface EndpointConfig {
  Aliases?: string[];
}

/** One published port: HostIp "" (every address) or a loopback address, HostPort "" (pick one) or a number. */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** "80/tcp" -> its bindings; null: exposed, not published (as Docker's NetworkSettings.Ports). */
export type PortMap = Record<string, PortBinding[] | null>;

/** A container's endpoint on one network, as `docker inspect` shows it (Docker's EndpointSettings). */
export interface EndpointSettings {
  IPAMConfig: Record<string, string> | null;
  Links: null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: null;
  GwPriority: number;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  DNSNames: string[] | null;
}

export interface NetworkSettings {
  Bridge: string;
  SandboxID: string;
  HairpinMode: boolean;
  LinkLocalIPv6Address: string;
  LinkLocalIPv6PrefixLen: number;
  Ports: PortMap;
  SandboxKey: string;
  SecondaryIPAddresses: null;
  SecondaryIPv6Addresses: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
}

/** A published port as `GET /containers/json` lists it. */
export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface MountPoint {
  Type: 'volume';
  Name: string;
  Source: string;
  Destination: string;
  Driver: 'local';
  Mode: string;
  RW: boolean;
  Propagation: '';
}

export interface ContainerSummary {
  Id: string;
  Names: string[]; // ["/name"]
  Image: string; // as given at create
  ImageID: string;
  Command: string;
  Created: number; // unix seconds
  State: ContainerStatus;
  Status: string; // "Up 3 seconds", "Exited (0) 2 minutes ago", "Created"
  Ports: PortSummary[];
  Labels: Record<string, string>;
  Mounts: MountPoint[];
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, EndpointSettings> };
  /** Only when listed with `size` (`docker ps -s`): bytes the writable layer added or changed. */
  SizeRw?: number;
  /** Only when listed with `size`: the whole merged file system. */
  SizeRootFs?: number;
  /** Present when the container has a healthcheck and has run (as Engine API 1.52's summary). */
  Health?: { Status: HealthStatus; FailingStreak: number };
}

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** One probe's result, as `docker inspect` shows it in State.Health.Log. */
export interface HealthcheckResult {
  Start: string; // RFC 3339
  End: string;
  /** 0 healthy, anything else unhealthy; -1 when the probe timed out or could not run. */
  ExitCode: number;
  Output: string;
}

/** State.Health: only for a container whose healthcheck runs a probe, from its first start on. */
export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  /** The last five results, oldest first. */
  Log: HealthcheckResult[];
}

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string; // RFC 3339, "0001-01-01T00:00:00Z" when never
  FinishedAt: string;
  Health?: HealthState;
}

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string; // image ID
  Name: string; // "/name"
  RestartCount: number;
  Driver: string;
  Platform: string;
  /** The storage driver and, where the snapshot is on a disk, its directories (null otherwise). */
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  Config: ImageConfigFields & {
    Hostname: string;
    Image: string;
    Tty: boolean;
    OpenStdin: boolean;
    StdinOnce: boolean;
    AttachStdin: boolean;
    AttachStdout: boolean;
    AttachStderr: boolean;
  };
  HostConfig: {
    Binds: string[] | null;
    Memory: number;
    /** Memory and swap (-1 unlimited); absent in records made before `docker update`: twice Memory, as Docker sets it at create. */
    MemorySwap?: number;
    AutoRemove: boolean;
    NetworkMode: string;
    PortBindings: PortMap;
    PublishAllPorts: boolean;
    ConsoleSize?: [number, number];
    /** json-file in every inspect (the engine keeps each container's output for `docker logs`); records do not store it. */
    LogConfig?: { Type: 'json-file'; Config: Record<string, string> };
  };
  Mounts: MountPoint[];
  NetworkSettings: NetworkSettings;
}

export interface AttachOptions {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Output as the process writes it; stream 1 stdout, 2 stderr (as Docker's multiplexed frames). */
  onOutput: (stream: 1 | 2, data: Uint8Array) => void;
}

/** A live attachment to a container or exec process. Release it with `detach`. */
export interface AttachStream {
  write(data: Uint8Array): Promise<void>;
  closeStdin(): Promise<void>;
  detach(): Promise<void>;
}

/**
 * `run`'s request: create, attach stdout/stderr, start and wait, as `docker run` does with four
 * calls, in one. The callbacks come in this order, each before the call settles: `onCreated`
 * (the container exists), output, `onStarted` (it runs). So a rejection before `onCreated` is the
 * create's (nothing was made), one before `onStarted` the start's (the container stays, as after a
 * failed start), one after it the wait's (the container went away under the run).
 */
export interface RunOptions {
  create: ContainerCreate;
  /** What the run waits for after start, as waitContainer's condition: 'removed' for an --rm container. */
  wait: 'next-exit' | 'removed';
  onCreated?: (id: string, warnings: string[]) => void;
  onStarted?: () => void;
  /** As AttachOptions' onOutput. */
  onOutput: (stream: 1 | 2, data: Uint8Array) => void;
}

export interface RunResult extends WaitResult {
  Id: string;
}

export interface LogsOptions {
  stdout?: boolean;
  stderr?: boolean;
  follow?: boolean;
  tail?: number | 'all';
  timestamps?: boolean;
  since?: number;
  /** With follow, called for each entry as it arrives; the promise settles when the container exits. */
  onEntry?: (entry: LogEntry) => void;
}

export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
  /**
   * Dockyard's own field: the program could not start (not found, not executable), in Docker's
   * words. Docker's start call fails then; here the process host finds out after the start, so
   * the error comes with the exit (State.Error has it too) and the CLI prints it as Docker's.
   */
  StartError?: string;
}

export interface Change {
  Path: string;
  Kind: 0 | 1 | 2; // 0 changed, 1 added, 2 deleted (as the Engine API)
}

export interface CommitOptions {
  repo?: string;
  tag?: string;
  comment?: string;
  author?: string;
  changes?: string[]; // Dockerfile instructions such as 'CMD ["sh"]'
  pause?: boolean;
}

/**
 * A path in a container, as `HEAD /containers/{id}/archive` reports it (X-Docker-Container-Path-Stat):
 * `mode` is Go's os.FileMode (permissions, 1<<31 for a directory, 1<<27 for a symbolic link).
 */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** `docker update`: what this engine can change (POST /containers/{id}/update takes Docker's whole body and refuses the rest). */
export interface ContainerUpdate {
  Memory?: number;
  MemorySwap?: number;
}

/** CPU figures of one stats sample: ns of CPU the container used, ns all CPUs of the host had. */
export interface CpuStats {
  cpu_usage: { total_usage: number; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage: number;
  online_cpus: number;
}

/**
 * `docker stats` (GET /containers/{id}/stats?stream=false): Docker's StatsJSON, the fields its CLI
 * reads. `precpu_stats` is the sample before, so the CLI's CPU % is the use between the two.
 */
export interface ContainerStats {
  id: string;
  name: string;
  read: string;
  preread: string;
  pids_stats: { current?: number };
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  blkio_stats: { io_service_bytes_recursive: Array<{ major: number; minor: number; op: string; value: number }> | null };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

/** `docker top`: ps's column titles and one row of cells per process (GET /containers/{id}/top). */
export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

export interface ExecCreate {
  Cmd: string[];
  Env?: string[];
  WorkingDir?: string;
  /** `exec -u`: only root (every process of this engine runs as root); another user is refused. */
  User?: string;
  Tty?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
}

export interface ExecInspect {
  ID: string;
  ContainerID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: { entrypoint: string; arguments: string[]; tty: boolean };
}

// ---------- volumes ----------

export interface Volume {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  Scope: 'local';
  Labels: Record<string, string>;
  Options: Record<string, string>;
  CreatedAt: string;
}

// ---------- networks ----------

export interface NetworkContainer {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string; // "172.18.0.2/16"
  IPv6Address: string;
}

/** A network as `docker network inspect` shows it (Docker's NetworkResource). */
export interface NetworkInspect {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge' | 'null';
  EnableIPv4: boolean;
  EnableIPv6: boolean;
  IPAM: { Driver: 'default'; Options: Record<string, string> | null; Config: Array<{ Subnet: string; Gateway?: string }> };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  /** Containers with a live endpoint (running), by container ID. */
  Containers: Record<string, NetworkContainer>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** `POST /networks/create`: only the bridge driver; one IPv4 subnet at most. */
export interface NetworkCreate {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Labels?: Record<string, string>;
  Options?: Record<string, string>;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string; Gateway?: string; IPRange?: string }> };
}

// ---------- the API ----------

export interface Engine {
  // system
  ping(): Promise<'OK'>;
  version(): Promise<VersionInfo>;
  info(): Promise<SystemInfo>;
  diskUsage(): Promise<DiskUsage>;
  prune(options?: { all?: boolean; volumes?: boolean }): Promise<PruneReport>;
  /** `docker container prune`: every container not running; SpaceReclaimed is their writable layers. */
  pruneContainers(): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }>;
  /** `docker image prune [-a]`: dangling images, or every one no container uses; SpaceReclaimed the blobs freed. */
  pruneImages(options?: { all?: boolean }): Promise<{ ImagesDeleted: RemovedImage[]; SpaceReclaimed: number }>;
  /** `docker volume prune [-a]`: unused anonymous volumes, or every unused one; SpaceReclaimed their contents. */
  pruneVolumes(options?: { all?: boolean }): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }>;
  /** `docker builder prune` (and the last step of the docker CLI's `system prune`): the build cache. */
  pruneBuildCache(): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }>;
  /**
   * Subscribe to events; returns a function that unsubscribes. `since` (unix seconds): the events
   * the engine kept from then on (its last 256) come first, then live ones.
   */
  events(listener: (event: EngineEvent) => void, options?: { since?: number }): Promise<() => void>;

  // images
  /**
   * `allTags`: every tag the registry lists for the repository (the reference has no tag then).
   * `auth`: the credentials for the reference's registry, for this call only (X-Registry-Auth).
   */
  pull(reference: string, options?: { onProgress?: ProgressListener; allTags?: boolean; auth?: RegistryAuth }): Promise<ImageInspect>;
  /** `allTags`: every local tag of the repository (the reference has no tag then). `auth`: as pull's. */
  push(reference: string, options?: { onProgress?: ProgressListener; allTags?: boolean; auth?: RegistryAuth }): Promise<{ Digest: Digest; Size: number }>;
  build(options: BuildOptions): Promise<BuildResult>;
  listImages(options?: { all?: boolean }): Promise<ImageSummary[]>;
  inspectImage(reference: string): Promise<ImageInspect>;
  history(reference: string): Promise<HistoryEntry[]>;
  imageLayers(reference: string): Promise<LayerView[]>;
  tag(source: string, target: string): Promise<void>;
  removeImage(reference: string, options?: { force?: boolean; noprune?: boolean }): Promise<RemovedImage[]>;
  /** An OCI image layout tar (also readable by `docker load`). */
  saveImages(references: string[]): Promise<Uint8Array>;
  loadImages(archive: Uint8Array, options?: { onProgress?: ProgressListener }): Promise<string[]>;
  /** `docker import`: a file system tar (or gzip of one) as a one-layer image; resolves with its ID. */
  importImage(archive: Uint8Array, options?: ImportOptions): Promise<string>;

  // containers
  createContainer(options: ContainerCreate): Promise<{ Id: string; Warnings: string[] }>;
  startContainer(id: string): Promise<void>;
  attachContainer(id: string, options: AttachOptions): Promise<AttachStream>;
  waitContainer(id: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<WaitResult>;
  stopContainer(id: string, options?: { timeout?: number }): Promise<void>;
  killContainer(id: string, options?: { signal?: string }): Promise<void>;
  /** `docker rename`: Docker's checks (empty, invalid, same or taken name); emits `rename`. */
  renameContainer(id: string, newName: string): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean; volumes?: boolean }): Promise<void>;
  listContainers(options?: { all?: boolean; size?: boolean }): Promise<ContainerSummary[]>;
  inspectContainer(id: string): Promise<ContainerInspect>;
  logs(id: string, options?: LogsOptions): Promise<LogEntry[]>;
  changes(id: string): Promise<Change[]>;
  commit(id: string, options?: CommitOptions): Promise<{ Id: string }>;
  /** `docker update`: a new memory limit, Docker's checks; a running container gets it at its next start (a warning says so). */
  updateContainer(id: string, update: ContainerUpdate): Promise<{ Warnings: string[] }>;
  /** `docker stats --no-stream`: one sample of a container's use (zeros for one not running). */
  stats(id: string): Promise<ContainerStats>;
  /** `docker top`: the processes of a running container, as `ps -ef` (the only ps arguments taken). */
  top(id: string, psArgs?: string): Promise<TopResult>;
  /** `docker export`: the container's root file system (no volumes) as a tar. */
  exportContainer(id: string): Promise<Uint8Array>;
  /** `docker cp`'s look at a path in a container (links on the way followed, the last one not). */
  statPath(id: string, path: string): Promise<PathStat>;
  /** `docker cp CONTAINER:PATH`: the path as a tar rooted at its base name (`.` for `dir/.`), and its stat. */
  getArchive(id: string, path: string): Promise<{ stat: PathStat; archive: Uint8Array }>;
  /**
   * `docker cp ... CONTAINER:DIR`: a tar extracted into the directory `path`. `noOverwriteDirNonDir`:
   * a directory is never replaced by a file nor a file by a directory (the docker CLI always asks so).
   */
  putArchive(id: string, path: string, archive: Uint8Array, options?: { noOverwriteDirNonDir?: boolean }): Promise<void>;
  resizeContainer(id: string, rows: number, cols: number): Promise<void>;
  /**
   * create + attach (stdout, stderr) + start + wait in one request, where the host can carry it
   * (the browser engine: one message to its Worker instead of four). A client that speaks the
   * Engine API over HTTP has none: callers then make the four calls (engine/cli/run.ts).
   */
  run?(options: RunOptions): Promise<RunResult>;

  // exec
  createExec(containerId: string, options: ExecCreate): Promise<{ Id: string }>;
  startExec(execId: string, options: AttachOptions): Promise<AttachStream>;
  /**
   * The terminal size of a running `-t` exec (the Engine API's /exec/{id}/resize): reaches its
   * pseudo-terminal where the runtime has one; an exec that has ended ignores it (a CLI's resize
   * may cross the exit). Rejects for an unknown exec.
   */
  resizeExec(execId: string, rows: number, cols: number): Promise<void>;
  inspectExec(execId: string): Promise<ExecInspect>;

  // volumes
  createVolume(options?: { Name?: string; Labels?: Record<string, string> }): Promise<Volume>;
  listVolumes(): Promise<{ Volumes: Volume[]; Warnings: string[] }>;
  inspectVolume(name: string): Promise<Volume>;
  removeVolume(name: string, options?: { force?: boolean }): Promise<void>;

  // networks
  createNetwork(options: NetworkCreate): Promise<{ Id: string; Warning: string }>;
  /** Filters as the Engine API's: driver, id, label, name, scope, type (builtin|custom), dangling. */
  listNetworks(options?: { filters?: Record<string, string[]> }): Promise<NetworkInspect[]>;
  inspectNetwork(name: string): Promise<NetworkInspect>;
  removeNetwork(name: string): Promise<void>;
  connectNetwork(network: string, container: string, options?: EndpointConfig): Promise<void>;
  disconnectNetwork(network: string, container: string, options?: { force?: boolean }): Promise<void>;
  pruneNetworks(): Promise<{ NetworksDeleted: string[] }>;
}
