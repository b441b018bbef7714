/**
 * Tab completion for the host shell: command names first, docker's commands after `docker`, then
 * image names or container names where the docker command takes one, and workspace paths elsewhere.
 */
export interface CompletionSources {
  shellCommands: readonly string[];
  /** docker's top-level commands and its management groups with their subcommands (from engine/cli). */
  dockerCommands: readonly string[];
  dockerGroups: Readonly<Record<string, readonly string[]>>;
  /** "box:latest", "box", and image IDs are all fine to offer. */
  images(): string[];
  /** Container names (and IDs). */
  containers(): string[];
  /** Names inside a workspace folder relative to the shell's cwd; folders end with "/". */
  files(dir: string): string[] | null;
}

export interface Completion {
  /** Characters before the cursor that the completion replaces. */
  replace: number;
  /** Text to put instead (may be the same as before when only a list is shown). */
  text: string;
  /** Shown below the prompt when several candidates remain. */
  candidates: string[];
}

const IMAGE_COMMANDS = new Set(['run', 'create', 'rmi', 'history', 'tag', 'push', 'save', 'pull']);
const CONTAINER_COMMANDS = new Set(['start', 'stop', 'kill', 'rm', 'logs', 'exec', 'diff', 'commit', 'attach', 'wait', 'inspect', 'restart', 'port', 'top']);
// Which subcommands of a management group take an image or a container as their argument.
const GROUP_ARGS: Record<string, { image?: Set<string>; container?: Set<string> }> = {
  image: { image: new Set(['history', 'inspect', 'push', 'rm', 'save', 'tag']) },
  container: { container: new Set(['attach', 'commit', 'diff', 'exec', 'inspect', 'kill', 'logs', 'rm', 'start', 'stop', 'wait']), image: new Set(['create', 'run']) },
};

export function complete(before: string, sources: CompletionSources): Completion {
  const words = before.split(/\s+/);
  const current = words[words.length - 1];
  const previous = words.slice(0, -1).filter(Boolean);
  const candidates = candidatesFor(previous, current, sources);
  const matches = [...new Set(candidates.filter((c) => c.startsWith(current)))].sort();
  if (matches.length === 0) return { replace: 0, text: '', candidates: [] };
  if (matches.length === 1) {
    const only = matches[0];
    return { replace: current.length, text: only.endsWith('/') ? only : `${only} `, candidates: [] };
  }
  const common = commonPrefix(matches);
  return { replace: current.length, text: common, candidates: common.length > current.length ? [] : matches };
}

function candidatesFor(previous: string[], current: string, sources: CompletionSources): string[] {
  if (previous.length === 0) return [...sources.shellCommands];
  if (previous[0] !== 'docker') return fileCandidates(current, sources);
  if (current.startsWith('-')) return [];
  const args = previous.slice(1).filter((w) => !w.startsWith('-'));
  if (args.length === 0) return [...sources.dockerCommands, ...Object.keys(sources.dockerGroups)];
  const [command, sub] = args;
  const group = sources.dockerGroups[command];
  if (group) {
    if (args.length === 1) return [...group];
    if (GROUP_ARGS[command]?.image?.has(sub)) return sources.images();
    if (GROUP_ARGS[command]?.container?.has(sub)) return sources.containers();
    return fileCandidates(current, sources);
  }
  if (command === 'build') return fileCandidates(current, sources).filter((c) => c.endsWith('/'));
  if (command === 'run' || command === 'create') return args.length === 1 ? sources.images() : [];
  if (command === 'inspect') return [...sources.containers(), ...sources.images()];
  if (command === 'commit') return args.length === 1 ? sources.containers() : sources.images();
  if (IMAGE_COMMANDS.has(command)) return sources.images();
  if (CONTAINER_COMMANDS.has(command)) return args.length === 1 || command !== 'exec' ? sources.containers() : [];
  return fileCandidates(current, sources);
}

function fileCandidates(current: string, sources: CompletionSources): string[] {
  const slash = current.lastIndexOf('/');
  const dir = slash === -1 ? '' : current.slice(0, slash + 1);
  const names = sources.files(dir || '.') ?? [];
  return names.map((n) => dir + n);
}

function commonPrefix(words: string[]): string {
  let prefix = words[0];
  for (const w of words) {
    while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
