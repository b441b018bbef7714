/**
 * A container's healthcheck as Docker 20.10 configures it: the create request's fields over the
 * image's HEALTHCHECK, field by field; the daemon's checks and words; the defaults the monitor
 * uses for fields left at 0; the probe's command line.
 */
import { EngineError } from '../errors.ts';
import type { HealthConfig } from '../oci/types.ts';

/** Docker's defaults for a field left at 0 (moby daemon/health.go). */
export const DEFAULT_PROBE_INTERVAL_NS = 30e9;
export const DEFAULT_PROBE_TIMEOUT_NS = 30e9;
export const DEFAULT_PROBE_RETRIES = 3;
/** State.Health.Log keeps this many results. */
export const MAX_HEALTH_LOG = 5;
/** A probe's output kept in the log: this many bytes, then "..." (moby's limitedBuffer). */
export const MAX_PROBE_OUTPUT = 4096;

const MIN_DURATION_NS = 1e6;

/**
 * moby's merge: no healthcheck in the request takes the image's; one without a Test takes the
 * image's Test, and each duration or retry count left at 0 the image's.
 */
export function mergeHealthcheck(image: HealthConfig | undefined, create: HealthConfig | undefined): HealthConfig | undefined {
  if (!create) return image ? structuredClone(image) : undefined;
  const out: HealthConfig = structuredClone(create);
  if (!image) return out;
  if (!out.Test || out.Test.length === 0) out.Test = [...image.Test];
  for (const field of ['Interval', 'Timeout', 'StartPeriod', 'Retries'] as const) {
    if (!out[field] && image[field]) out[field] = image[field];
  }
  return out;
}

/** The daemon's checks at create (Docker's words): durations 0 or at least 1ms, retries not negative. */
export function checkHealthcheck(h: HealthConfig | undefined): void {
  if (!h) return;
  if (h.Test !== undefined && (!Array.isArray(h.Test) || !h.Test.every((w) => typeof w === 'string'))) {
    throw new EngineError('invalid-argument', 'Healthcheck.Test must be an array of strings');
  }
  for (const field of ['Interval', 'Timeout', 'StartPeriod'] as const) {
    const ns = h[field];
    if (ns === undefined || ns === 0) continue;
    if (!Number.isSafeInteger(ns) || ns < MIN_DURATION_NS) throw new EngineError('invalid-argument', `${field} in Healthcheck cannot be less than 1ms`);
  }
  if (h.Retries !== undefined && (!Number.isSafeInteger(h.Retries) || h.Retries < 0)) throw new EngineError('invalid-argument', 'Retries in Healthcheck cannot be negative');
}

/** The probe's kind, or undefined when the healthcheck runs none (absent, NONE, no Test, an unknown type). */
export function probeKind(h: HealthConfig | undefined): 'CMD' | 'CMD-SHELL' | undefined {
  const kind = h?.Test?.[0];
  return kind === 'CMD' || kind === 'CMD-SHELL' ? kind : undefined;
}

const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** The probe's command line: CMD's words, or CMD-SHELL's text after the container's SHELL. */
export function probeCommand(h: HealthConfig, shell: string[] | undefined): string[] {
  const words = h.Test.slice(1);
  return probeKind(h) === 'CMD-SHELL' ? [...(shell?.length ? shell : DEFAULT_SHELL), ...words] : words;
}

/** The monitor's timing and threshold, with Docker's defaults for fields left at 0. */
export function probeTiming(h: HealthConfig): { intervalMs: number; timeoutMs: number; startPeriodMs: number; retries: number } {
  return {
    intervalMs: (h.Interval || DEFAULT_PROBE_INTERVAL_NS) / 1e6,
    timeoutMs: (h.Timeout || DEFAULT_PROBE_TIMEOUT_NS) / 1e6,
    startPeriodMs: (h.StartPeriod ?? 0) / 1e6,
    retries: h.Retries && h.Retries > 0 ? h.Retries : DEFAULT_PROBE_RETRIES,
  };
}

/** `ps --filter health=...`: a container without a running probe's state is "none". */
export function healthFilterMatches(value: string, health: { Status: string } | undefined): boolean {
  if (!['starting', 'healthy', 'unhealthy', 'none'].includes(value)) throw new EngineError('invalid-argument', `Unrecognised filter value for health: ${value}`);
  return (health?.Status ?? 'none') === value;
}
