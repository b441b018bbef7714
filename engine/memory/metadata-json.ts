import { EngineError } from '../errors.ts';
import type { MetadataOp } from '../ports.ts';

/**
 * What every MetadataStore adapter keeps of a put: its value as JSON text, refused in Docker's
 * error shape (invalid-argument) before anything of the batch is applied when JSON cannot carry
 * it (a cycle, a BigInt, undefined) or the key is empty.
 */
export function metadataJson(op: MetadataOp & { op: 'put' }): string;
export function metadataJson(op: MetadataOp): string | undefined;
export function metadataJson(op: MetadataOp): string | undefined {
  if (typeof op.key !== 'string' || op.key === '') throw new EngineError('invalid-argument', 'metadata key must be a non-empty string');
  if (op.op === 'delete') return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(op.value);
  } catch (e) {
    throw new EngineError('invalid-argument', `metadata value for ${op.bucket}/${op.key} is not JSON: ${(e as Error).message}`);
  }
  if (text === undefined) throw new EngineError('invalid-argument', `metadata value for ${op.bucket}/${op.key} is not JSON`);
  return text;
}
