/**
 * Human units as the docker CLI prints and parses them (after docker/go-units): sizes in decimal
 * units with 3 or 4 significant digits, binary memory sizes, "3 hours ago" durations, and the
 * `64m`/`1g` memory flag syntax.
 */

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/**
 * Go's `%.<precision>g`: shortest form with at most `precision` significant digits, trailing zeros
 * dropped, exponent form (two-digit exponent, "1e+03") when the exponent is < -4 or >= precision.
 */
export function formatG(value: number, precision: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  const [mantissa, expText] = value.toExponential(precision - 1).split('e');
  const exp = Number(expText);
  const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= precision) {
    const sign = exp < 0 ? '-' : '+';
    return `${trim(mantissa)}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return trim(value.toFixed(Math.max(0, precision - 1 - exp)));
}

function scaled(size: number, base: number, units: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i]];
}

/** `docker images` SIZE: "1.23MB", "512B", "7.5kB" (go-units HumanSizeWithPrecision). */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  const [size, unit] = scaled(bytes, 1000, DECIMAL_UNITS);
  return formatG(size, precision) + unit;
}

/** go-units HumanSize: 4 significant digits ("Total reclaimed space", `system df`). */
export function humanSize(bytes: number): string {
  return humanSizeWithPrecision(bytes, 4);
}

/** go-units BytesSize: binary units, 4 significant digits ("1.944GiB" in `docker info`). */
export function bytesSize(bytes: number): string {
  const [size, unit] = scaled(bytes, 1024, BINARY_UNITS);
  return formatG(size, 4) + unit;
}

/** go-units HumanDuration ("Less than a second", "About a minute", "3 hours"); input in ms. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

/** "2 seconds ago" for a unix time in seconds, as `docker ps`/`images` CREATED columns. */
export function timeAgo(unixSeconds: number, nowMs: number): string {
  return humanDuration(nowMs - unixSeconds * 1000) + ' ago';
}

const RAM = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/;
const RAM_MULTIPLIER: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** `--memory 64m` -> bytes (binary units, as go-units RAMInBytes); throws "invalid size: '64x'". */
export function ramInBytes(text: string): number {
  const m = RAM.exec(text);
  const value = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(value)) throw new Error(`invalid size: '${text}'`);
  const unit = m[2]?.toLowerCase();
  return Math.trunc(value * (unit ? RAM_MULTIPLIER[unit] : 1));
}

/** Docker's short ID: strip "sha256:" and keep 12 characters. */
export function truncateId(id: string): string {
  const hex = id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
  return hex.slice(0, 12);
}

/** Shorten to at most `width` characters, the last one an ellipsis (docker's formatter.Ellipsis). */
export function ellipsis(text: string, width: number): string {
  const chars = [...text];
  if (width <= 0) return '';
  if (chars.length <= width) return text;
  if (width === 1) return chars[0];
  return chars.slice(0, width - 1).join('') + '…';
}

/** Go's time.Time.String() for a unix time, in UTC: "2024-05-01 10:00:00 +0000 UTC". */
export function goTimeString(unixSeconds: number): string {
  const iso = new Date(unixSeconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** RFC 3339 without fractional seconds, as `docker history -H=false` prints CREATED. */
export function rfc3339(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}
