/**
 * Tab completion for the host shell: command names first, docker's commands after `docker`, its
 * flags after a `-`, then image names or container names where the docker command takes one, and
 * workspace paths elsewhere. A flag's value is skipped over (`docker run --name web bo` completes
 * the image, not a second argument).
 */

/** One flag of a docker command, from engine/cli's flag specs. */
export interface FlagInfo {
  long: string;
  short?: string;
  /** It takes a value (`--name web`), so the next word is not an argument. */
  value: boolean;
}
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
  /** The flags of `docker <path...>` (path: ["run"] or ["container", "run"]; [] for docker's own). */
  dockerFlags?(path: readonly string[]): readonly FlagInfo[];
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

/** The docker command's arguments so far (flags and their values left out), and its command path. */
function dockerArgs(words: string[], sources: CompletionSources): { args: string[]; path: string[]; valueNext: boolean } {
  const args: string[] = [];
  let path: string[] = [];
  let valueNext = false;
  for (const w of words) {
    if (valueNext) {
      valueNext = false;
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      valueNext = !w.includes('=') && takesValue(w, sources.dockerFlags?.(path) ?? []);
      continue;
    }
    args.push(w);
    if (args.length === 1) path = [w];
    else if (args.length === 2 && sources.dockerGroups[args[0]]) path = [args[0], w];
  }
  return { args, path, valueNext };
}

function takesValue(word: string, flags: readonly FlagInfo[]): boolean {
  if (word.startsWith('--')) return flags.some((f) => f.long === word.slice(2) && f.value);
  // Combined short flags (-it, -dp): only the last may take the value that follows.
  const last = word[word.length - 1];
  return flags.some((f) => f.short === last && f.value);
}

function candidatesFor(previous: string[], current: string, sources: CompletionSources): string[] {
  if (previous.length === 0) return [...sources.shellCommands];
  if (previous[0] !== 'docker') return fileCandidates(current, sources);
  const { args, path, valueNext } = dockerArgs(previous.slice(1), sources);
  if (valueNext) return []; // a flag's value: a name or a port only the learner knows
  if (current.startsWith('-')) return ['--help', ...(sources.dockerFlags?.(path) ?? []).map((f) => `--${f.long}`)];
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
