/**
 * The OCI image vocabulary (image-spec v1.1), as JSON documents. Field names follow the spec
 * exactly (including Docker's capitalised container config keys) so documents round-trip.
 */
import type { Digest } from './digest.ts';

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

/** A pointer to content: what it is, its digest and exact size. Every read is checked against both. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** The runtime defaults of an image (`config` in the image config), Docker's capitalised keys. */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** Docker's own fields (not OCI's), set by docker build's SHELL, HEALTHCHECK and ONBUILD. */
  Shell?: string[];
  Healthcheck?: HealthConfig;
  OnBuild?: string[] | null;
}

/** Docker's HEALTHCHECK in an image config: Test is ["NONE"], ["CMD", ...] or ["CMD-SHELL", cmd]; durations in nanoseconds. */
export interface HealthConfig {
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  /** True for steps that changed only the config (ENV, CMD...): no layer in rootfs for them. */
  empty_layer?: boolean;
}

export interface RootFs {
  type: 'layers';
  /** Digests of the uncompressed layer tars, bottom first; one per manifest layer. */
  diff_ids: Digest[];
}

/** Our images are `os: "wasi"`, `architecture: "wasm"`; others are accepted on read. */
export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ContainerConfig;
  rootfs: RootFs;
  history?: HistoryEntry[];
}

export const WASI_PLATFORM = { os: 'wasi', architecture: 'wasm' } as const;
