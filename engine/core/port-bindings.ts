import type { PortBinding, PortMap, PortSummary } from '../engine.ts';
import { EngineError } from '../errors.ts';
import { parseIPv4 } from './ipam.ts';

/**
 * Published ports as Docker has them: the `-p` grammar (docker/go-connections' ParsePortSpec),
 * the checks of a create request, host ports held while a container runs and taken from Docker's
 * ephemeral range for `-P` and `-p CONTAINER`, and the views (`docker port`, PORTS in `docker ps`).
 * Host addresses are every address ("" = 0.0.0.0 and ::) or a loopback one: nothing here is ever
 * published on another interface of the host.
 */

/** Linux's default ip_local_port_range, which Docker's port allocator takes -P ports from. */
export const EPHEMERAL_FIRST = 32768;
export const EPHEMERAL_LAST = 60999;

const PROTOS = ['tcp', 'udp', 'sctp'];

export interface PortKey {
  port: number;
  proto: string;
}

/** "80/tcp" -> {80, tcp}; "80" is tcp. Throws Docker's words for anything else. */
export function parsePortKey(key: string): PortKey {
  const slash = key.indexOf('/');
  const portText = slash < 0 ? key : key.slice(0, slash);
  const proto = slash < 0 ? 'tcp' : key.slice(slash + 1).toLowerCase();
  if (!PROTOS.includes(proto)) throw new EngineError('invalid-argument', `invalid proto: ${proto}`);
  const port = portNumber(portText);
  if (port === undefined || port === 0) throw new EngineError('invalid-argument', `invalid containerPort: ${portText}`);
  return { port, proto };
}

export function portKey(k: PortKey): string {
  return `${k.port}/${k.proto}`;
}

function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** "80" or "8000-8010" -> [first, last]; undefined when it is not a port or range. */
function portRange(text: string): [number, number] | undefined {
  const dash = text.indexOf('-');
  const first = portNumber(dash < 0 ? text : text.slice(0, dash));
  const last = dash < 0 ? first : portNumber(text.slice(dash + 1));
  if (first === undefined || last === undefined || last < first) return undefined;
  return [first, last];
}

const LOOPBACK_V6 = ['::1', '0:0:0:0:0:0:0:1'];

/** '' (every address) for "", 0.0.0.0 and ::; the address for a loopback one; a clear refusal for any other. */
export function checkHostIp(ip: string): string {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (bare === '' || bare === '0.0.0.0') return bare;
  if (bare === '::') return '::';
  const v4 = parseIPv4(bare);
  if (v4 !== undefined && v4 >>> 24 === 127) return bare;
  if (LOOPBACK_V6.includes(bare)) return '::1';
  if (v4 === undefined && !/^[0-9a-fA-F:.]+$/.test(bare)) throw new EngineError('invalid-argument', `invalid IP address: ${ip}`);
  throw new EngineError(
    'invalid-argument',
    `cannot publish on ${bare}: ports are published on the loopback only here (127.0.0.1 or ::1), or leave the address out to publish on every address`,
  );
}

/**
 * One `-p` value -> the container ports it exposes and their bindings, as the docker CLI sends them.
 * `[IP:][HOST:]CONTAINER[/PROTO]`, ranges as `8000-8001:80-81`, an IPv6 address in brackets.
 */
export function parsePublish(spec: string): PortMap {
  let rest = spec;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!PROTOS.includes(proto)) throw new EngineError('invalid-argument', `invalid proto: ${proto}`);
  }
  let ip = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']:');
    if (close < 0) throw new EngineError('invalid-argument', `invalid IP address: ${rest}`);
    ip = rest.slice(0, close + 1);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  let hostText = '';
  let containerText: string;
  if (ip) {
    if (parts.length !== 2) throw new EngineError('invalid-argument', `invalid port format: ${spec}`);
    [hostText, containerText] = parts;
  } else if (parts.length === 1) {
    containerText = parts[0];
  } else if (parts.length === 2) {
    [hostText, containerText] = parts;
  } else if (parts.length === 3) {
    [ip, hostText, containerText] = parts;
  } else {
    // As go-connections: everything before the last two parts is taken as the address.
    ip = parts.slice(0, -2).join(':');
    hostText = parts[parts.length - 2];
    containerText = parts[parts.length - 1];
    if (parseIPv4(ip) === undefined) throw new EngineError('invalid-argument', `invalid IP address: ${ip}`);
  }
  const hostIp = checkHostIp(ip);
  const container = portRange(containerText);
  if (!container || container[0] === 0) throw new EngineError('invalid-argument', `invalid containerPort: ${containerText}`);
  const host = hostText === '' ? undefined : portRange(hostText);
  if (hostText !== '' && !host) throw new EngineError('invalid-argument', `invalid hostPort: ${hostText}`);
  const count = container[1] - container[0];
  if (host && count !== host[1] - host[0] && count !== 0) {
    throw new EngineError('invalid-argument', `invalid ranges specified for container and host Ports: ${containerText} and ${hostText}`);
  }
  const out: PortMap = {};
  for (let i = 0; i <= count; i++) {
    let hostPort = '';
    if (host) hostPort = count === 0 && host[0] !== host[1] ? `${host[0]}-${host[1]}` : String(host[0] + i);
    out[`${container[0] + i}/${proto}`] = [{ HostIp: hostIp, HostPort: hostPort === '0' ? '' : hostPort }];
  }
  return out;
}

/** Merge several `-p` values: one container port may be published on several host ports. */
export function mergePortMaps(maps: readonly PortMap[]): PortMap {
  const out: PortMap = {};
  for (const m of maps) for (const [k, v] of Object.entries(m)) out[k] = [...(out[k] ?? []), ...(v ?? [])];
  return out;
}

/** A create request's PortBindings checked and normalised (keys "80/tcp", HostIp '' or loopback, HostPort '' / n / "a-b"). */
export function checkPortBindings(bindings: PortMap | undefined): PortMap {
  const out: PortMap = {};
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const k = portKey(parsePortKey(key));
    const checked: PortBinding[] = [];
    for (const b of list ?? []) {
      const hostPort = b.HostPort ?? '';
      if (hostPort !== '' && hostPort !== '0' && !portRange(hostPort)) throw new EngineError('invalid-argument', `invalid port specification: "${hostPort}"`);
      checked.push({ HostIp: checkHostIp(b.HostIp ?? ''), HostPort: hostPort === '0' ? '' : hostPort });
    }
    out[k] = [...(out[k] ?? []), ...checked];
  }
  return out;
}

/** Ports, by key, in Docker's display order: by number, then protocol. */
export function sortedKeys(keys: Iterable<string>): string[] {
  const parsed = [...keys].map((key) => ({ key, ...parsePortKey(key) }));
  parsed.sort((x, y) => x.port - y.port || (x.proto < y.proto ? -1 : x.proto > y.proto ? 1 : 0));
  return parsed.map((p) => p.key);
}

/** A host binding held by a running container. */
export interface HeldPort {
  HostIp: string; // "0.0.0.0", "::" or a loopback address
  port: number;
  proto: string;
}

function family(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

function isWildcard(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

function hostText(ip: string, port: number): string {
  return family(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Host bindings held, by protocol and port: a check costs the same however many are held. */
class HeldIndex {
  readonly #byPort = new Map<string, string[]>();

  constructor(held: readonly HeldPort[]) {
    for (const h of held) this.add(h);
  }

  add(h: HeldPort): void {
    const key = `${h.proto}/${h.port}`;
    const list = this.#byPort.get(key);
    if (list) list.push(h.HostIp);
    else this.#byPort.set(key, [h.HostIp]);
  }

  /** Why this binding cannot be had, in Docker's words (its allocator, or the proxy's bind), or undefined. */
  conflict(want: HeldPort): string | undefined {
    for (const ip of this.#byPort.get(`${want.proto}/${want.port}`) ?? []) {
      if (family(ip) !== family(want.HostIp)) continue;
      if (ip === want.HostIp) return `Bind for ${hostText(want.HostIp, want.port)} failed: port is already allocated`;
      if (isWildcard(ip) || isWildcard(want.HostIp)) {
        return `Error starting userland proxy: listen ${want.proto}${family(want.HostIp)} ${hostText(want.HostIp, want.port)}: bind: address already in use`;
      }
    }
    return undefined;
  }
}

/** The ephemeral port Docker's allocator handed out last, per protocol (it goes on from there, wrapping). */
const lastEphemeral = new WeakMap<object, Map<string, number>>();

/**
 * The host ports a starting container gets: every binding of `bindings` (and with `publishAll`
 * every exposed port without one) on its addresses ("" = 0.0.0.0 and ::, IPv4 first), fixed ports
 * as asked, the others from the ephemeral range. `owner` keeps the allocator's position (one per
 * engine, as dockerd's). Throws Docker's message for a port another running container holds.
 */
export function allocatePorts(
  owner: object,
  request: { bindings: PortMap; exposed: readonly string[]; publishAll: boolean },
  held: readonly HeldPort[],
): Record<string, PortBinding[]> {
  const wanted: PortMap = { ...request.bindings };
  if (request.publishAll) for (const key of request.exposed) if (!wanted[key]?.length) wanted[key] = [{ HostIp: '', HostPort: '' }];
  const taken = new HeldIndex(held);
  const out: Record<string, PortBinding[]> = {};
  for (const key of sortedKeys(Object.keys(wanted))) {
    const { proto } = parsePortKey(key);
    const v4: PortBinding[] = [];
    const v6: PortBinding[] = [];
    for (const b of wanted[key] ?? []) {
      const ips = b.HostIp === '' ? ['0.0.0.0', '::'] : [b.HostIp];
      const port = pickPort(owner, b.HostPort, proto, ips, taken);
      for (const ip of ips) {
        taken.add({ HostIp: ip, port, proto });
        (family(ip) === 4 ? v4 : v6).push({ HostIp: ip, HostPort: String(port) });
      }
    }
    if (v4.length + v6.length > 0) out[key] = [...v4, ...v6];
  }
  return out;
}

function pickPort(owner: object, hostPort: string, proto: string, ips: readonly string[], taken: HeldIndex): number {
  const problem = (port: number) => ips.map((ip) => taken.conflict({ HostIp: ip, port, proto })).find((p) => p !== undefined);
  const range = hostPort === '' ? undefined : portRange(hostPort)!;
  if (range && range[0] === range[1]) {
    const p = problem(range[0]);
    if (p) throw new EngineError('conflict', p);
    return range[0];
  }
  if (range) {
    for (let port = range[0]; port <= range[1]; port++) if (!problem(port)) return port;
    throw new EngineError('conflict', `Bind for ${hostText(ips[0], range[0])} failed: port is already allocated`);
  }
  let byProto = lastEphemeral.get(owner);
  if (!byProto) lastEphemeral.set(owner, (byProto = new Map()));
  let port = byProto.get(proto) ?? EPHEMERAL_LAST;
  for (let i = 0; i <= EPHEMERAL_LAST - EPHEMERAL_FIRST; i++) {
    port = port >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
    if (!problem(port)) {
      byProto.set(proto, port);
      return port;
    }
  }
  throw new EngineError('resource-exhausted', 'all ports are allocated');
}

/** The held bindings of a container's port map. */
export function heldPorts(ports: Record<string, PortBinding[]>): HeldPort[] {
  return Object.entries(ports).flatMap(([key, list]) => {
    const { port: _port, proto } = parsePortKey(key);
    return list.map((b) => ({ HostIp: b.HostIp, port: Number(b.HostPort), proto }));
  });
}

/** NetworkSettings.Ports of a running container: every exposed port, null where not published. */
export function portsView(exposed: readonly string[], held: Record<string, PortBinding[]>): PortMap {
  const out: PortMap = {};
  for (const key of sortedKeys(new Set([...exposed, ...Object.keys(held)]))) out[key] = held[key] ? held[key].map((b) => ({ ...b })) : null;
  return out;
}

/** `GET /containers/json`'s Ports of a running container, in the order `docker ps` shows them. */
export function portSummaries(view: PortMap): PortSummary[] {
  const out: PortSummary[] = [];
  for (const key of sortedKeys(Object.keys(view))) {
    const { port, proto } = parsePortKey(key);
    const list = view[key];
    if (!list || list.length === 0) out.push({ PrivatePort: port, Type: proto });
    else for (const b of list) out.push({ IP: b.HostIp, PrivatePort: port, PublicPort: Number(b.HostPort), Type: proto });
  }
  return out;
}

/** PORTS in `docker ps`: "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 81/tcp". */
export function portsColumn(ports: readonly PortSummary[]): string {
  return ports.map((p) => (p.PublicPort === undefined ? `${p.PrivatePort}/${p.Type}` : `${hostText(p.IP ?? '0.0.0.0', p.PublicPort)}->${p.PrivatePort}/${p.Type}`)).join(', ');
}

/** `docker port` lines: "80/tcp -> 0.0.0.0:8080" (or, for one asked port, "0.0.0.0:8080"). */
export function portLines(view: PortMap, only?: PortKey): string[] {
  const lines: string[] = [];
  for (const key of sortedKeys(Object.keys(view))) {
    if (only && key !== portKey(only)) continue;
    for (const b of view[key] ?? []) lines.push(only ? hostText(b.HostIp, Number(b.HostPort)) : `${key} -> ${hostText(b.HostIp, Number(b.HostPort))}`);
  }
  return lines;
}

/**
 * `docker ps --filter publish=...|expose=...`: a container port or range, "80", "80/udp",
 * "8000-8080/tcp" (tcp when no protocol is named), against a listed container's Ports - published
 * ones for `publish`, every exposed one for `expose`.
 */
export function portFilter(kind: 'publish' | 'expose', value: string): (ports: readonly PortSummary[]) => boolean {
  const slash = value.indexOf('/');
  const proto = slash < 0 ? 'tcp' : value.slice(slash + 1).toLowerCase();
  const range = portRange(slash < 0 ? value : value.slice(0, slash));
  if (!range || !PROTOS.includes(proto)) throw new EngineError('invalid-argument', `invalid filter '${kind}=${value}'`);
  return (ports) => ports.some((p) => p.Type === proto && p.PrivatePort >= range[0] && p.PrivatePort <= range[1] && (kind === 'expose' || p.PublicPort !== undefined));
}
