/**
 * What differs between two runs of the same command on ONE engine, rewritten to placeholders
 * before the engines are compared: IDs and digests (random or content-made), points in time and
 * durations. Everything else is compared as printed.
 *
 * IDs are numbered in order of first appearance per engine over a whole scenario, the short
 * 12-digit form and the full 64-digit form of one ID sharing a number, so "the container `run -d`
 * printed is the one `ps` lists" is still checked.
 */
export class IdNumbering {
  readonly #ids = new Map<string, number>();

  token(hex: string): string {
    const key = hex.slice(0, 12);
    let n = this.#ids.get(key);
    if (n === undefined) this.#ids.set(key, (n = this.#ids.size + 1));
    return `<id${n}>`;
  }
}

const HEX_ID = /\b(?:[0-9a-f]{64}|[0-9a-f]{12})\b/g;
const RFC3339 = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g;
// Go's time.Time.String(), as `{{.CreatedAt}}` prints it.
const GO_TIME = /\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [+-]\d{4} [A-Z]{3,4}\b/g;
// docker's units.HumanDuration, as CREATED and STATUS print it.
const DURATION = /\b(?:Less than a second|About an? (?:minute|hour)|\d+ (?:second|minute|hour|day|week|month|year)s?)\b/g;
const UNIX_SECONDS = /\b1[6-9]\d{8}\b/g;

export function normalizeText(text: string, ids: IdNumbering): string {
  return text
    .replace(RFC3339, '<time>')
    .replace(GO_TIME, '<time>')
    .replace(UNIX_SECONDS, '<time>')
    .replace(HEX_ID, (hex) => ids.token(hex))
    .replace(DURATION, '<duration>');
}

/**
 * Tables are aligned to their widest cell, and a placeholder is not as wide as what it replaced:
 * runs of two or more spaces (the CLI's column gaps) become one gap of two.
 */
export function normalizeColumns(text: string): string {
  return text.replace(/ {2,}/g, '  ').replace(/ +$/gm, '');
}
