import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EngineError } from '../../engine/errors.ts';

const run = promisify(execFile);

const OPAQUE_XATTR = 'trusted.overlay.opaque';

/**
 * The directories of an overlay upper directory that overlayfs marked opaque (a directory deleted
 * and made again, hiding everything below it): paths relative to `upper`.
 *
 * Only the xattr says so. A directory copied up because a file in it changed also lacks the
 * lower entries it did not touch, and is not opaque: guessing from the listing turned every such
 * directory into an opaque one in commits and builds (a file of an earlier layer vanished).
 * Node has no xattr call, so Debian's getfattr (package `attr`) reads them all in one pass.
 */
export async function opaqueDirs(upper: string): Promise<Set<string>> {
  let stdout: string;
  try {
    // --no-dereference: a symbolic link's own attributes (following a dangling one is an error).
    ({ stdout } = await run('getfattr', ['--recursive', '--physical', '--no-dereference', '--absolute-names', '--dump', '--match', `^${OPAQUE_XATTR.replace(/\./g, '\\.')}$`, upper], {
      maxBuffer: 256 * 1024 * 1024,
    }));
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new EngineError('internal', 'getfattr is missing (Debian package "attr"): overlay opaque directories cannot be read');
    // The user reads this: the data root's path stays out of it.
    throw new EngineError('internal', `reading overlay attributes: ${(err.stderr?.trim() || err.message).split(upper).join('<upper>')}`);
  }
  return parseOpaque(stdout, upper);
}

/** getfattr's dump: `# file: <name>` (octal escapes for unusual bytes), then `key="value"` lines. */
export function parseOpaque(dump: string, upper: string): Set<string> {
  const out = new Set<string>();
  let file: string | undefined;
  for (const line of dump.split('\n')) {
    if (line.startsWith('# file: ')) file = unescapeName(line.slice('# file: '.length));
    else if (file !== undefined && line === `${OPAQUE_XATTR}="y"`) {
      if (file === upper) out.add('');
      else if (file.startsWith(upper + '/')) out.add(file.slice(upper.length + 1));
    }
  }
  return out;
}

/** getfattr writes bytes outside printable ASCII, and the backslash, as `\ooo`: back to UTF-8. */
function unescapeName(name: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const m = /^\\([0-7]{3})/.exec(name.slice(i, i + 4));
    if (m) {
      bytes.push(parseInt(m[1], 8));
      i += 3;
    } else bytes.push(...new TextEncoder().encode(name[i]));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
