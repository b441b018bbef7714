import { EngineError } from '../errors.ts';
import { layerCompression } from '../oci/media-types.ts';
import { gunzip } from '../tar/gzip.ts';

/**
 * The uncompressed tar stream of a layer blob, by its media type: gzip layers are inflated
 * (within maxOutputBytes), plain tar passes through - and if it is gzip after all, the tar reader
 * says so (HOSTILE 12). zstd and unknown types are refused.
 */
export function layerTarStream(mediaType: string, blob: Uint8Array | AsyncIterable<Uint8Array>, options: { maxOutputBytes?: number } = {}): AsyncIterable<Uint8Array> | Uint8Array {
  const compression = layerCompression(mediaType);
  if (compression === 'none') return blob;
  if (compression === 'gzip') return gunzip(blob, options);
  if (compression === 'zstd') throw new EngineError('invalid-content', `unsupported layer compression: zstd (${mediaType})`);
  throw new EngineError('invalid-content', `not a layer media type: ${mediaType}`);
}
