/**
 * The target of the `rel="next"` link in an RFC 8288 `Link` header (how a registry says a
 * `tags/list` or `_catalog` answer has another page), or undefined when there is none. Several
 * links may share the header, comma-separated; a URI may itself hold commas and semicolons, so
 * it is taken from between its angle brackets.
 */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  const link = /<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g;
  for (let m = link.exec(header); m; m = link.exec(header)) {
    for (const param of m[2].split(';')) {
      const [key, value = ''] = param.split('=', 2).map((s) => s.trim());
      if (key.toLowerCase() !== 'rel') continue;
      // rel may list several relation types: rel="next last".
      if (value.replace(/^"|"$/g, '').toLowerCase().split(/\s+/).includes('next')) return m[1];
    }
  }
  return undefined;
}
