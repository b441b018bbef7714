/**
 * The `/build` body - a tar of the context directory, maybe gzipped - as BuildOptions' context
 * (relative path -> bytes) and links (relative path -> target, kept as links, as Docker's builder
 * keeps them). Names are cleaned with the layer rules (`..` escaping the root is refused), the tar
 * reader's budget holds (HOSTILE 11); directories are implied by their files, hardlinks are copies.
 */
import { EngineError } from '../errors.ts';
import { cleanEntryPath, cleanHardlinkTarget } from '../layers/path-rules.ts';
import { gunzip, isGzip } from '../tar/gzip.ts';
import { readTar } from '../tar/tar-reader.ts';

/** What a build context may be: the docker CLI sends its whole directory. */
export const MAX_CONTEXT_BYTES = 512 * 1024 * 1024;

export async function buildContext(body: Uint8Array): Promise<{ files: Record<string, Uint8Array>; links: Record<string, string> }> {
  const source = isGzip(body) ? gunzip(body, { maxOutputBytes: MAX_CONTEXT_BYTES }) : body;
  const files: Record<string, Uint8Array> = Object.create(null);
  const links: Record<string, string> = Object.create(null);
  for await (const entry of readTar(source, { maxTotalBytes: MAX_CONTEXT_BYTES + 1024 * 1024 })) {
    if (entry.type === 'dir' || entry.type === 'skipped') continue;
    const path = cleanEntryPath(entry.path);
    if (path === '') continue;
    if (entry.type === 'file') files[path] = entry.content;
    else if (entry.type === 'symlink') links[path] = entry.target;
    else {
      const target = files[cleanHardlinkTarget(entry.target, entry.path)];
      if (!target) throw new EngineError('invalid-argument', `build context: hardlink ${path} points at ${entry.target}, which is not an earlier file`);
      files[path] = target;
    }
  }
  return { files, links };
}
