/**
 * The published ports the Preview offers, from the containers list the session keeps live, and the
 * places in terminal text that name one (`docker ps` PORTS, `docker port`, a localhost URL), which
 * the terminal turns into links to the port's Preview.
 */
import type { ContainerSummary } from '../../engine/engine.ts';

export interface PublishedPort {
  hostPort: number;
  containerPort: number;
  /** The container's name, without Docker's leading "/". */
  container: string;
}

/** Each TCP host port a running container publishes, once (Docker lists 0.0.0.0 and :: apart), by port. */
export function publishedPorts(containers: readonly ContainerSummary[]): PublishedPort[] {
  const byPort = new Map<number, PublishedPort>();
  for (const c of containers) {
    if (c.State !== 'running') continue;
    for (const p of c.Ports) {
      if (!p.PublicPort || p.Type !== 'tcp' || byPort.has(p.PublicPort)) continue;
      byPort.set(p.PublicPort, { hostPort: p.PublicPort, containerPort: p.PrivatePort, container: c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12) });
    }
  }
  return [...byPort.values()].sort((a, b) => a.hostPort - b.hostPort);
}

/** A host port named in a line of terminal text, with where it stands (0-based, end exclusive). */
export interface PortMention {
  hostPort: number;
  start: number;
  end: number;
}

// "0.0.0.0:8080->80/tcp", ":::8080->80/tcp", "127.0.0.1:8080" (docker port), "http://localhost:8080/x".
const MENTION = /(?:https?:\/\/)?(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|::):(\d{1,5})(?:->\d{1,5}\/tcp|(?!->|\d)(?:\/[^\s'"]*)?)/g;

export function portMentions(line: string): PortMention[] {
  const out: PortMention[] = [];
  for (const m of line.matchAll(MENTION)) {
    const hostPort = Number(m[1]);
    if (hostPort < 1 || hostPort > 65535) continue;
    out.push({ hostPort, start: m.index, end: m.index + m[0].length });
  }
  return out;
}
