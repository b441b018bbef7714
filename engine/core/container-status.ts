import { parseTime } from './clock.ts';

/**
 * Docker's human durations (go-units HumanDuration), as `docker ps` prints them in
 * "Up 3 seconds" and "Exited (0) 5 minutes ago". Hours round to the nearest; the rest truncate.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(Math.floor(ms / 3_600_000) / 24 / 365)} years`;
}

export interface StatusInput {
  Running: boolean;
  Dead?: boolean;
  ExitCode: number;
  StartedAt: string;
  FinishedAt: string;
  removing?: boolean;
  Health?: { Status: string };
}

/** The STATUS column of `docker ps`, from a container's state, at time `now` (ms). */
export function statusText(state: StatusInput, now: number): string {
  const started = parseTime(state.StartedAt);
  if (state.Running) return `Up ${humanDuration(Math.max(0, now - (started ?? now)))}${healthSuffix(state.Health)}`;
  if (state.removing) return 'Removal In Progress';
  if (state.Dead) return 'Dead';
  if (started === undefined) return 'Created';
  const finished = parseTime(state.FinishedAt);
  if (finished === undefined) return '';
  return `Exited (${state.ExitCode}) ${humanDuration(Math.max(0, now - finished))} ago`;
}

/** What `docker ps` adds after "Up ..." for a container with a healthcheck: " (healthy)", " (health: starting)". */
function healthSuffix(health: { Status: string } | undefined): string {
  if (!health) return '';
  return health.Status === 'starting' ? ' (health: starting)' : ` (${health.Status})`;
}
