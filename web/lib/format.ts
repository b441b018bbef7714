/**
 * How sizes, times and IDs read in the views: the docker CLI's own formatting (engine/cli/units.ts),
 * so a number in a view is the number the terminal prints for the same thing.
 */
import { humanSizeWithPrecision, timeAgo as dockerTimeAgo, truncateId } from '../../engine/cli/units.ts';
import { locale, t } from '../i18n/locale.svelte.ts';

/** Sizes as `docker images` prints them ("1.23MB", "512B"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  return humanSizeWithPrecision(bytes, 3);
}

/**
 * "3 seconds ago", "About a minute ago": the CREATED column of `docker images` / `docker ps`, in
 * English; in Korean the same units said the Korean way ("3초 전").
 */
export function timeAgo(unixSeconds: number, now = Date.now()): string {
  if (locale.lang === 'en') return dockerTimeAgo(unixSeconds, now);
  const seconds = Math.max(0, now / 1000 - unixSeconds);
  const steps: Array<[Intl.RelativeTimeFormatUnit, number, number]> = [
    ['second', 1, 60], ['minute', 60, 60], ['hour', 3600, 48], ['day', 86400, 14], ['week', 604800, 8], ['month', 2629800, 24],
  ];
  const say = new Intl.RelativeTimeFormat(locale.lang, { numeric: 'always' });
  for (const [unit, size, limit] of steps) {
    if (seconds < size * limit) return say.format(-Math.max(1, Math.floor(seconds / size)), unit);
  }
  return say.format(-Math.floor(seconds / 31557600), 'year');
}

/** The exact time for a hover over a relative one: date and time in the page's language. */
export function exactTime(unixSeconds: number): string {
  return new Intl.DateTimeFormat(locale.lang, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(unixSeconds * 1000));
}

/** A container's State ("running", "exited") in the page's language; Docker's Status stays as it prints it. */
export function stateLabel(state: string): string {
  const known = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const;
  const s = known.find((k) => k === state);
  return s ? t(`state.${s}`) : state;
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
