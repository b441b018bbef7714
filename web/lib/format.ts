/**
 * How sizes, times and IDs read in the views: the docker CLI's own formatting (engine/cli/units.ts),
 * so a number in a view is the number the terminal prints for the same thing.
 */
import { humanSizeWithPrecision, timeAgo as dockerTimeAgo, truncateId } from '../../engine/cli/units.ts';

/** Sizes as `docker images` prints them ("1.23MB", "512B"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  return humanSizeWithPrecision(bytes, 3);
}

/** "3 seconds ago", "About a minute ago": the CREATED column of `docker images` / `docker ps`. */
export function timeAgo(unixSeconds: number, now = Date.now()): string {
  return dockerTimeAgo(unixSeconds, now);
}

/** The 12 hex digits Docker shows for an image or container ID. */
export function shortId(id: string): string {
  return truncateId(id);
}
export function shortDigest(digest: string): string {
  return `sha256:${digest.replace(/^sha256:/, '').slice(0, 12)}`;
}

export function percent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  return `${Math.round((part / whole) * 100)}%`;
}
