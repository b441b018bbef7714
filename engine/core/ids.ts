import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * A random ID like Docker's container and exec IDs: 64 lowercase hex digits. Like Docker, never one
 * that is all digits, so a short prefix can't be confused with a number.
 */
export function randomId(): string {
  for (;;) {
    const bytes = new Uint8Array(32);
    globalThis.crypto.getRandomValues(bytes);
    const id = bytesToHex(bytes);
    if (!/^[0-9]+$/.test(id.slice(0, 12))) return id;
  }
}

/** The 12 hex digits Docker shows for an ID (container, image, layer); strips `sha256:`. */
export function truncateId(id: string): string {
  return (id.startsWith('sha256:') ? id.slice(7) : id).slice(0, 12);
}

export function randomInt(below: number): number {
  const n = new Uint32Array(1);
  globalThis.crypto.getRandomValues(n);
  return n[0] % below;
}
