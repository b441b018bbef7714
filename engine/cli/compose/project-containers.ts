/**
 * The containers of a project as Compose finds them: by its labels (never by name), one-off
 * `run` containers apart, numbered per service.
 */
import type { ContainerSummary, Engine } from '../../engine.ts';
import { LABEL } from './compose-labels.ts';

export interface ProjectContainer {
  summary: ContainerSummary;
  service: string;
  number: number;
  /** The name without the leading "/". */
  name: string;
}

export async function projectContainers(engine: Engine, project: string, options: { oneoff?: boolean; services?: readonly string[] } = {}): Promise<ProjectContainer[]> {
  const all = await engine.listContainers({ all: true });
  const oneoff = options.oneoff ? 'True' : 'False';
  return all
    .filter((c) => c.Labels?.[LABEL.project] === project && (c.Labels[LABEL.oneoff] ?? 'False') === oneoff)
    .filter((c) => !options.services?.length || options.services.includes(c.Labels[LABEL.service]))
    .map((c) => ({ summary: c, service: c.Labels[LABEL.service] ?? '', number: Number(c.Labels[LABEL.number] ?? 0), name: (c.Names[0] ?? '').replace(/^\//, '') }))
    .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
}

/** `web-1`: how Compose names a container in log prefixes and messages of `up`. */
export function shortName(c: { name: string }, project: string): string {
  return c.name.startsWith(`${project}-`) ? c.name.slice(project.length + 1) : c.name;
}
