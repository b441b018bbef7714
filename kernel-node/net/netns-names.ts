import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Where `ip netns` keeps named network namespaces (iproute2's NETNS_RUN_DIR). */
export const NETNS_DIR = '/run/netns';

/**
 * The names of one service's network namespaces: its own (the bridges) and one per container.
 * They carry a hash of the data root, so two services (tests run several) never share or remove
 * each other's, and a restart over the same data root finds what a killed one left.
 */
export class NetnsNames {
  readonly service: string;

  constructor(dataRoot: string) {
    this.service = `dockyard-${createHash('sha256').update(resolve(dataRoot)).digest('hex').slice(0, 10)}`;
  }

  /** A container's namespace (16 hex digits of its ID: collisions are out of reach, the name stays short). */
  container(id: string): string {
    return `${this.service}-${id.slice(0, 16)}`;
  }

  path(name: string): string {
    return join(NETNS_DIR, name);
  }

  /** This service's namespaces present now (the service's own among them). */
  async present(): Promise<string[]> {
    const names = await readdir(NETNS_DIR).catch(() => [] as string[]);
    return names.filter((n) => n === this.service || n.startsWith(`${this.service}-`));
  }
}
