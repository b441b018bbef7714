/**
 * `.env` and `env_file:` files, as Compose reads them (the dotenv grammar compose-go follows):
 * `KEY=VALUE` lines, `export KEY=VALUE`, `#` comments (a `#` after whitespace ends an unquoted
 * value), single quotes taken literally, double quotes with `\n`, `\t`, `\"`, `\\` escapes, and
 * `KEY` alone (no `=`): the variable is named but has no value here (there is no host environment).
 */
import { ComposeError } from './compose-error.ts';

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function parseEnvFile(text: string, file: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!KEY.test(key)) throw new ComposeError(`failed to read ${file}: line ${i + 1}: unexpected character "${key[0] ?? '='}" in variable name "${key}"`);
    if (eq < 0) {
      out.set(key, undefined);
      continue;
    }
    let rest = line.slice(eq + 1).trimStart();
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      // A quoted value may run over several lines, as dotenv allows.
      let body = rest.slice(1);
      let end = closingQuote(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        body += '\n' + lines[++i];
        end = closingQuote(body, quote);
      }
      if (end < 0) throw new ComposeError(`failed to read ${file}: line ${i + 1}: unterminated quoted value`);
      const raw = body.slice(0, end);
      out.set(key, quote === "'" ? raw : unescapeDouble(raw));
      continue;
    }
    const comment = rest.search(/\s#/);
    if (comment >= 0) rest = rest.slice(0, comment);
    out.set(key, rest.trimEnd());
  }
  return out;
}

function closingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') {
      i++;
      continue;
    }
    if (body[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}
