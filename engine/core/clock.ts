/**
 * Time as Docker prints it. Engine clocks are milliseconds (HostPorts.now); Docker's timestamps
 * carry nanoseconds, so the sub-millisecond digits are zero - always nine of them, so timestamps
 * sort as strings and `docker logs -t` columns line up.
 */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-01-02T03:04:05.678Z
  return iso.slice(0, 19) + '.' + iso.slice(20, 23) + '000000Z';
}

/** Seconds since the epoch, as the Engine API's `Created` of summaries. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Milliseconds since the epoch of an RFC 3339 time, or undefined for the zero time / garbage. */
export function parseTime(s: string | undefined): number | undefined {
  if (!s || s.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}
