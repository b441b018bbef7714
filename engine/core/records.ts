/**
 * The records the core keeps in the MetadataStore, one bucket each. They are the core's own
 * format: hosts store them as opaque JSON. A change here needs a migration note in the bucket.
 */
import type { ContainerInspect, ContainerState, MountPoint } from '../engine.ts';
import type { Digest } from '../ports.ts';

/** 'images', keyed by image ID (= config digest). The config itself is a blob under the same digest. */
export interface ImageRecord {
  Id: Digest;
  /** diff_ids, bottom first; stored uncompressed, so each is also the blob's digest. */
  layers: Digest[];
  /** The image this one was built or committed from ('' for pulled or loaded images). */
  parent: string;
  /** `repo@sha256:...` of the manifests it was pulled or pushed as. */
  repoDigests: string[];
  lastTagTime: string;
}

/** 'tags', keyed by the familiar reference (`box:latest`, `localhost:5000/x:y`): the image ID. */
export type TagRecord = Digest;

export interface ContainerRecord {
  Id: string;
  Name: string; // "/name"
  Created: string;
  Path: string;
  Args: string[];
  Image: Digest; // image ID
  /** The image layers the container's snapshot stands on: kept alive even if the image is removed. */
  layers: Digest[];
  Config: ContainerInspect['Config'];
  /** The network fields are absent in records written before networks existed (hostNetworkConfig). */
  HostConfig: Omit<ContainerInspect['HostConfig'], NetworkHostFields> & Partial<Pick<ContainerInspect['HostConfig'], NetworkHostFields>>;
  Mounts: MountPoint[];
  State: ContainerState;
  /** Anonymous volumes this container created: removed with it by `rm -v`. */
  anonymousVolumes: string[];
  /**
   * Its networks and what it holds on them (network-endpoints.ts). Records written before
   * networks existed have none and no HostConfig.NetworkMode/PortBindings: read as the default
   * bridge with nothing published.
   */
  net?: ContainerNetRecord;
}

/** One network a container is on. The address is held while the container runs. */
export interface EndpointRecord {
  NetworkID: string;
  Aliases: string[];
  /** Set at each start (a new endpoint each time, as Docker's); '' before the first. */
  EndpointID: string;
  /** Dotted IPv4 while running; '' when not running or on `none`. */
  IPAddress: string;
}

export interface ContainerNetRecord {
  /** In the order they were joined: the first is the one NetworkMode names. */
  endpoints: EndpointRecord[];
  /** The host ports held while running ("80/tcp" -> bindings with HostIp and HostPort filled in). */
  ports: Record<string, Array<{ HostIp: string; HostPort: string }>>;
  /** The network sandbox's ID (the container's own), set at the first start. */
  sandboxId: string;
}

/** 'networks', keyed by ID: user-defined networks (bridge and none are built in, never stored). */
export interface NetworkRecord {
  Id: string;
  Name: string;
  Created: string;
  Subnet: string;
  /** The subnet's gateway address (containers on an --internal network get no gateway). */
  Gateway: string;
  /** Whether the user gave the subnet (Docker then shows no gateway in IPAM.Config unless given too). */
  userSubnet: boolean;
  userGateway: boolean;
  Internal: boolean;
  Attachable: boolean;
  Labels: Record<string, string>;
  Options: Record<string, string>;
}

type NetworkHostFields = 'NetworkMode' | 'PortBindings' | 'PublishAllPorts';

/** 'volumes', keyed by name. */
export interface VolumeRecord {
  Name: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  anonymous: boolean;
}

/** 'execs', keyed by exec ID. */
export interface ExecRecord {
  ID: string;
  ContainerID: string;
  Cmd: string[];
  Env: string[];
  WorkingDir: string;
  Tty: boolean;
  Running: boolean;
  ExitCode: number | null;
}

/** 'build-cache', keyed by the cache key of one build step (see build-cache.ts). */
export interface BuildCacheRecord {
  /** The image ID of the step's result; its config is a blob, its layers are blobs. */
  imageId: Digest;
  layers: Digest[];
  createdAt: string;
}
