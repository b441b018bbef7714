import type { Mount } from '../../engine/ports.ts';
import { overlayOptions, type OverlayDirs } from './mounts.ts';
import type { FileBind } from './runtime-files.ts';
import type { RuntimeRoot } from './runtime-root.ts';
import { seccompProfile } from './seccomp-profile.ts';

/** Memory Node itself needs next to the guest (measured RSS of the runner is ~45 MiB; headroom for GC). */
export const RUNTIME_MEMORY_OVERHEAD = 96 * 1024 * 1024;
/** Threads count as pids: Node uses ~10; a guest cannot make more, but a runaway runtime stops here. */
export const PIDS_LIMIT = 128;

export interface BundleOptions {
  runtime: RuntimeRoot;
  /**
   * The guest's root: the container's overlay, or (a warm spare, spare-container.ts) a host
   * directory bound with slave propagation, where the host mounts the overlay at the go.
   */
  overlay: Required<OverlayDirs> | { sharedDir: string };
  hostname: string;
  /** Named volumes as host directories. */
  volumes: Array<Mount & { source: string }>;
  /** The runtime files (/etc/hostname, /etc/hosts), mounted after the volumes as Docker orders them (a volume at /etc gets them too). */
  files?: FileBind[];
  memoryBytes?: number;
  /** Under /sys/fs/cgroup/<controller>/. */
  cgroupsPath: string;
  /** The process: args are the runner's (Node, the runner, its JSON spec). */
  args: string[];
  /** The process's stdio is a terminal (`docker run -t`). */
  terminal?: boolean;
  /**
   * The network namespace to join (a named one the NetworkDriver wired: kernel-node/net/);
   * absent: runc makes a new one holding only a loopback device, left down.
   */
  netns?: string;
}

const MASKED_PATHS = ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/**
 * The process part of config.json, also given to `runc exec --process`. With `terminal` runc makes
 * a pty inside the container (on its /dev/pts) and hands the master end out (console-relay.c).
 */
export function processSpec(args: string[], terminal = false): object {
  return {
    terminal,
    user: { uid: 0, gid: 0 },
    args,
    env: ['PATH=/usr/bin', 'NODE_OPTIONS='],
    cwd: '/',
    capabilities: { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] },
    rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
    noNewPrivileges: true,
  };
}

/**
 * config.json of a container (OCI runtime spec 1.0): the runtime root read-only, the image's
 * overlay at /rootfs, pid/mount/uts/ipc/net namespaces (the net namespace is the one the network
 * driver wired, `netns`, or a bare one), cgroup limits, no capabilities,
 * no-new-privileges, Docker's masked and read-only /proc paths, a seccomp allowlist
 * (seccomp-profile.ts).
 */
export function bundleConfig(o: BundleOptions): object {
  const guest = o.runtime.guestRoot;
  const mounts: object[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    // Its own devpts instance: where runc makes the terminal of a -t process.
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
    ...o.runtime.binds.map((b) => ({ destination: b.destination, type: 'bind', source: b.source, options: ['rbind', 'ro', 'nosuid', 'nodev'] })),
    'sharedDir' in o.overlay
      ? { destination: guest, type: 'bind', source: o.overlay.sharedDir, options: ['rbind', 'rslave', 'nosuid', 'nodev'] }
      : { destination: guest, type: 'overlay', source: 'overlay', options: [...overlayOptions(o.overlay).split(','), 'nodev', 'nosuid'] },
    ...o.volumes.map((v) => ({ destination: `${guest}${v.target}`, type: 'bind', source: v.source, options: ['rbind', v.readOnly ? 'ro' : 'rw', 'nosuid', 'nodev', 'noexec'] })),
    ...(o.files ?? []).map((f) => ({ destination: `${guest}${f.target}`, type: 'bind', source: f.source, options: ['rbind', 'rw', 'nosuid', 'nodev', 'noexec'] })),
  ];
  const memory = o.memoryBytes ? { limit: o.memoryBytes + RUNTIME_MEMORY_OVERHEAD, swap: o.memoryBytes + RUNTIME_MEMORY_OVERHEAD } : undefined;
  return {
    ociVersion: '1.0.2',
    process: processSpec(o.args, o.terminal),
    root: { path: o.runtime.root, readonly: true },
    hostname: o.hostname,
    mounts,
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network', ...(o.netns ? { path: o.netns } : {}) }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      cgroupsPath: o.cgroupsPath,
      resources: {
        devices: [{ allow: false, access: 'rwm' }],
        pids: { limit: PIDS_LIMIT },
        cpu: { shares: 1024 },
        ...(memory ? { memory } : {}),
      },
      // A server in a container may listen on port 80 without any capability, as under Docker
      // 20.10 (which sets the same for every container with a network namespace of its own).
      sysctl: { 'net.ipv4.ip_unprivileged_port_start': '0' },
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
      // A spare's namespace must stay a slave of the host's for its /rootfs to receive the mounts
      // (only that directory is shared on the host side; nothing else propagates).
      rootfsPropagation: 'sharedDir' in o.overlay ? 'rslave' : 'private',
      seccomp: seccompProfile(),
    },
  };
}
