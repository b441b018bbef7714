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
  HostConfig: ContainerInspect['HostConfig'];
  Mounts: MountPoint[];
  State: ContainerState;
  /** Anonymous volumes this container created: removed with it by `rm -v`. */
  anonymousVolumes: string[];
}

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
