/** IndexedDB failures as the engine's errors: one place for the quota message. */
import { EngineError } from '../../engine/errors.ts';

export function isQuotaError(e: unknown): boolean {
  return e instanceof DOMException && (e.name === 'QuotaExceededError' || (e.name === 'UnknownError' && /quota|space/i.test(e.message)));
}

export function storageError(e: unknown, what: string): EngineError {
  if (e instanceof EngineError) return e;
  if (isQuotaError(e)) {
    return new EngineError(
      'resource-exhausted',
      `no space left in the browser's storage while ${what}: remove unused images, containers or volumes (docker system prune) or allow this site more storage`,
    );
  }
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new EngineError('unavailable', `browser storage failed while ${what}: ${message}`);
}
