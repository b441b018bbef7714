import { EngineError } from '../errors.ts';

/**
 * Docker's default IPAM for local bridge networks, as numbers: subnets are given or taken from
 * the default pools (172.17.0.0/16 ... 172.31.0.0/16, then 192.168.0.0/20 ... 192.168.240.0/20,
 * moby's defaults), the first that overlaps no existing network; the gateway is the subnet's first
 * address; containers get the lowest free address after it. Everything here is a pure function of
 * the networks and endpoints that exist, so the same commands give the same addresses on both hosts.
 */

export interface Subnet {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted IPv4 address as a number; undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
  const m = OCTETS.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p, i) => p > 255 || (m[i + 1].length > 1 && m[i + 1].startsWith('0')))) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "10.5.0.0/16" -> its network; Docker's words for anything that is not a CIDR. */
export function parseSubnet(text: string): Subnet {
  const slash = text.indexOf('/');
  const ip = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  const prefix = /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (ip === undefined || !(prefix >= 0 && prefix <= 32)) {
    throw new EngineError('invalid-argument', `Invalid subnet ${text} : invalid CIDR address: ${text}`);
  }
  return { base: (ip & mask(prefix)) >>> 0, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${formatIPv4(s.base)}/${s.prefix}`;
}

export function contains(s: Subnet, ip: number): boolean {
  return ((ip & mask(s.prefix)) >>> 0) === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(prefix)) >>> 0) === ((b.base & mask(prefix)) >>> 0);
}

/** moby's default local address pools, in the order it hands them out. */
export function* defaultPools(): Generator<Subnet> {
  for (let b = 17; b <= 31; b++) yield { base: parseIPv4(`172.${b}.0.0`)!, prefix: 16 };
  for (let c = 0; c < 256; c += 16) yield { base: parseIPv4(`192.168.${c}.0`)!, prefix: 20 };
}

/** The first default pool that overlaps none of the subnets in use. */
export function nextPool(used: readonly Subnet[]): Subnet {
  for (const pool of defaultPools()) if (!used.some((u) => overlaps(u, pool))) return pool;
  throw new EngineError('resource-exhausted', 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

export const POOL_OVERLAP = 'Pool overlaps with other one on this address space';

/** The gateway Docker picks for a subnet: its first host address. */
export function defaultGateway(s: Subnet): number {
  return s.base + 1;
}

/**
 * The lowest address of the subnet that is not the network address, the gateway, the broadcast
 * address or taken. Throws Docker's message when none is left.
 */
export function allocateAddress(s: Subnet, gateway: number | undefined, taken: ReadonlySet<number>): number {
  const size = 2 ** (32 - s.prefix);
  for (let offset = 1; offset < size - 1; offset++) {
    const ip = s.base + offset;
    if (ip !== gateway && !taken.has(ip)) return ip;
  }
  throw new EngineError('resource-exhausted', 'no available IPv4 addresses on this network\'s address pools');
}

/** Docker's MAC for an IPv4 endpoint: 02:42 followed by the address's four bytes. */
export function macAddress(ip: number): string {
  return ['02', '42', ...[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
