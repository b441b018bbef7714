import type { ContainerSummary, Engine } from '../../engine/engine.ts';
import { loadCli } from '../Terminal/docker-runner.ts';

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

/** The Compose project a container belongs to (its com.docker.compose.project label), if any. */
export function composeProjectOf(c: ContainerSummary): string | undefined {
  return c.Labels?.['com.docker.compose.project'] || undefined;
}

/** `docker compose -p NAME down`, by the CLI's own rule (no compose file needed); rejects with what it printed on failure. */
export async function composeDown(engine: Engine, project: string): Promise<void> {
  const cli = await loadCli();
  if (!cli) throw new Error('docker: the docker command line is not part of this build');
  let stderr = '';
  const status = await cli.runDocker(engine, ['compose', '-p', project, 'down'], { stdout: () => {}, stderr: (t) => (stderr += t) });
  if (status !== 0) throw new Error(stderr.trim().split('\n').pop() ?? `exit status ${status}`);
}
