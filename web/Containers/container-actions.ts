import type { Engine } from '../../engine/engine.ts';

export type ContainerAction = 'start' | 'stop' | 'kill' | 'rm';

/** The buttons' actions, as `docker start/stop/kill/rm -f` do them. */
export async function runAction(engine: Engine, id: string, action: ContainerAction): Promise<void> {
  switch (action) {
    case 'start':
      return engine.startContainer(id);
    case 'stop':
      return engine.stopContainer(id);
    case 'kill':
      return engine.killContainer(id);
    case 'rm':
      return engine.removeContainer(id, { force: true });
  }
}

/** The exit code inside a summary's Status ("Exited (137) 2 minutes ago"), or null. */
export function exitCodeOf(status: string): number | null {
  const m = /^Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : null;
}

export function nameOf(names: string[], id: string): string {
  return names[0]?.replace(/^\//, '') ?? id.slice(0, 12);
}
