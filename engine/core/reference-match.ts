/**
 * `docker images PATTERN` and the `reference=` filter: Docker matches the pattern (Go's
 * path.Match: `*` and `?` never cross a `/`, `[...]` classes) against the image's familiar
 * reference `box:1.0`, then against its name alone `box`. A malformed pattern matches nothing.
 */
export function referenceMatches(pattern: string, familiarRef: string): boolean {
  const re = globRegExp(pattern);
  if (!re) return false;
  if (re.test(familiarRef)) return true;
  const at = familiarRef.indexOf('@');
  const noDigest = at < 0 ? familiarRef : familiarRef.slice(0, at);
  const colon = noDigest.lastIndexOf(':');
  const name = colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
  return re.test(name);
}

function globRegExp(pattern: string): RegExp | undefined {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) out += escape(pattern[++i]);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return undefined;
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = '^' + body.slice(1).replace(/[\\\]]/g, '\\$&');
      else body = body.replace(/[\\\]^]/g, '\\$&');
      out += `[${body}]`;
      i = end;
    } else out += escape(c);
  }
  return new RegExp(`^${out}$`);
}

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
