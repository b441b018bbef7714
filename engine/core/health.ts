/**
 * Healthchecks, as Docker 20.10's daemon runs them (moby daemon/health.go, checked against
 * dockerd 20.10.24): while a container with a probe runs, the probe runs as an exec in it
 * `Interval` after the previous one ended; exit 0 is healthy, anything else a failure; a probe
 * still running after `Timeout` is killed and fails with "Health check exceeded timeout (30s)",
 * one that cannot start fails with -1 and the exec's error. `Retries` failures in a row make the
 * container unhealthy - failures of a container not yet healthy within `StartPeriod` of its start
 * do not count. Each change of status is the event `health_status: <status>`; the last five
 * results stay in State.Health.Log. When the container stops, its status is unhealthy (Docker's
 * "unhealthy when the monitor has stopped").
 */
import type { ContainerState, HealthcheckResult, HealthState } from '../engine.ts';
import type { ProcessExit } from '../ports.ts';
import { rfc3339Nano, parseTime } from './clock.ts';
import { updateContainer } from './container-store.ts';
import type { Core } from './context.ts';
import type { ExecRunner } from './exec.ts';
import { goDuration } from './build-steps.ts';
import { DEFAULT_PROBE_TIMEOUT_NS, MAX_HEALTH_LOG, MAX_PROBE_OUTPUT, probeCommand, probeKind, probeTiming } from './health-config.ts';
import type { ContainerRecord } from './records.ts';
import { startFailureLine } from '../wasi/program-path.ts';

/** State.Health as a start leaves it: starting, no failures, the log of earlier runs kept; none without a probe. */
export function healthAtStart(c: ContainerRecord): HealthState | undefined {
  if (!probeKind(c.Config.Healthcheck)) return c.State.Health;
  return { Status: 'starting', FailingStreak: 0, Log: c.State.Health?.Log ?? [] };
}

/** Once the process ended (or is taken for ended): the health is unhealthy, the rest kept. */
export function endHealth(state: ContainerState): void {
  if (state.Health) state.Health = { ...state.Health, Status: 'unhealthy' };
}

/** One result applied to State.Health (moby's handleProbeResult). */
export function applyProbeResult(health: HealthState, result: HealthcheckResult, options: { retries: number; startPeriodMs: number; startedAt: string }): HealthState {
  const log = [...health.Log, result].slice(-MAX_HEALTH_LOG);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log: log };
  const sinceStart = (parseTime(result.Start) ?? 0) - (parseTime(options.startedAt) ?? 0);
  if (health.Status === 'starting' && sinceStart < options.startPeriodMs) return { ...health, Log: log };
  const streak = health.FailingStreak + 1;
  return { Status: streak >= options.retries ? 'unhealthy' : health.Status, FailingStreak: streak, Log: log };
}

/** The bytes a probe wrote (stdout and stderr as they came), up to MAX_PROBE_OUTPUT, then "...". */
class ProbeOutput {
  readonly #chunks: Uint8Array[] = [];
  #kept = 0;
  #truncated = false;

  write(data: Uint8Array): void {
    const room = MAX_PROBE_OUTPUT - this.#kept;
    if (data.length > room) this.#truncated = true;
    const keep = data.subarray(0, Math.max(0, room));
    if (keep.length === 0) return;
    this.#chunks.push(keep.slice());
    this.#kept += keep.length;
  }

  text(): string {
    const bytes = new Uint8Array(this.#kept);
    let at = 0;
    for (const c of this.#chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(bytes) + (this.#truncated ? '...' : '');
  }
}

interface Watch {
  stopped: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** Kills the probe running now, if any. */
  kill?: () => void;
}

/**
 * Runs the probes of this engine's running containers: a container's monitor begins with its
 * `start` event and ends with its `die` event (a probe running then is killed and its result
 * dropped, as Docker drops a result that comes after the monitor stopped).
 */
export class HealthMonitor {
  readonly #watches = new Map<string, Watch>();

  constructor(
    private readonly core: Core,
    private readonly execs: ExecRunner,
  ) {
    core.events.subscribe((e) => {
      if (e.Type !== 'container') return;
      if (e.Action === 'start') void this.#watch(e.Actor.ID);
      else if (e.Action === 'die') this.#unwatch(e.Actor.ID);
    });
  }

  async #watch(id: string): Promise<void> {
    this.#unwatch(id);
    const c = await this.core.containers.get(id);
    if (!c?.State.Running || !probeKind(c.Config.Healthcheck)) return;
    const watch: Watch = { stopped: false };
    this.#watches.set(id, watch);
    this.#schedule(id, watch, probeTiming(c.Config.Healthcheck!).intervalMs);
  }

  #unwatch(id: string): void {
    const watch = this.#watches.get(id);
    if (!watch) return;
    watch.stopped = true;
    clearTimeout(watch.timer);
    watch.kill?.();
    this.#watches.delete(id);
  }

  #schedule(id: string, watch: Watch, ms: number): void {
    watch.timer = setTimeout(() => {
      this.#probeOnce(id, watch)
        .catch(() => {})
        .then(async () => {
          if (watch.stopped) return;
          const c = await this.core.containers.get(id);
          if (c?.Config.Healthcheck) this.#schedule(id, watch, probeTiming(c.Config.Healthcheck).intervalMs);
        })
        .catch(() => {});
    }, ms);
  }

  async #probeOnce(id: string, watch: Watch): Promise<void> {
    const core = this.core;
    const c = await core.containers.get(id);
    if (!c?.State.Running || !c.Config.Healthcheck || watch.stopped) return;
    const config = c.Config.Healthcheck;
    const timing = probeTiming(config);
    const started = core.now();
    const output = new ProbeOutput();
    let probe: { exit: Promise<ProcessExit>; kill(): void };
    try {
      probe = await this.execs.probe(id, probeCommand(config, c.Config.Shell), (d) => output.write(d));
    } catch (e) {
      return this.#record(id, watch, timing, { Start: rfc3339Nano(started), End: rfc3339Nano(core.now()), ExitCode: -1, Output: e instanceof Error ? e.message : String(e) });
    }
    watch.kill = probe.kill;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = await Promise.race([probe.exit, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timing.timeoutMs)))]).finally(() => clearTimeout(timer));
    if (ended === 'timeout') {
      // As Docker: the result is recorded now, the probe killed, and the next waits until it has gone.
      probe.kill();
      await this.#record(id, watch, timing, { Start: rfc3339Nano(started), End: rfc3339Nano(core.now()), ExitCode: -1, Output: `Health check exceeded timeout (${goDuration(config.Timeout || DEFAULT_PROBE_TIMEOUT_NS)})` });
      await probe.exit.catch(() => {});
    } else {
      const result = ended.error !== undefined ? { ExitCode: -1, Output: startFailureLine(ended.error, 'exec').trimEnd() } : { ExitCode: ended.exitCode, Output: output.text() };
      await this.#record(id, watch, timing, { Start: rfc3339Nano(started), End: rfc3339Nano(core.now()), ...result });
    }
    watch.kill = undefined;
  }

  /** One result into State.Health (not once the monitor stopped: the container died meanwhile); an event when the status changed. */
  async #record(id: string, watch: Watch, timing: { retries: number; startPeriodMs: number }, result: HealthcheckResult): Promise<void> {
    if (watch.stopped) return;
    let before: string | undefined;
    let after: string | undefined;
    const record = await updateContainer(this.core, id, (r) => {
      if (!r.State.Running || !r.State.Health || watch.stopped) return;
      before = r.State.Health.Status;
      r.State.Health = applyProbeResult(r.State.Health, result, { retries: timing.retries, startPeriodMs: timing.startPeriodMs, startedAt: r.State.StartedAt });
      after = r.State.Health.Status;
    });
    if (record && after !== undefined && after !== before) this.core.events.emit('container', `health_status: ${after}`, id, { image: record.Config.Image, name: record.Name.slice(1) });
  }
}
