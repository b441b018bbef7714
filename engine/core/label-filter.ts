/**
 * The `label` filter of Docker's lists (containers, volumes, networks): `key` asks for the label,
 * `key=value` for that value, and every label given must match (Docker's MatchKVList) - unlike the
 * other filter keys, where any one of the values is enough.
 */
export function labelsMatch(labels: Record<string, string> | null | undefined, wanted: readonly string[] | undefined): boolean {
  const own = labels ?? {};
  return (wanted ?? []).every((filter) => {
    const eq = filter.indexOf('=');
    return eq < 0 ? filter in own : own[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}
