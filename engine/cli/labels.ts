/**
 * `--label k=v` and `--opt k=v` lists as docker's CLI reads them (opts.ConvertKVStringsToMap):
 * the first "=" splits; a key without one gets the empty value.
 */
export function keyValueMap(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    out[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return out;
}
