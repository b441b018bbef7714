/**
 * The shared memory between the engine worker and one process Worker. The process Worker spends
 * its life inside a synchronous WebAssembly call, so it cannot receive messages: everything that
 * must reach it while it runs (stdin, signals, exec and snapshot requests) goes through this block,
 * and the process waits on the doorbell with Atomics.wait whenever it blocks (reading stdin, sleeping).
 *
 * Layout (Int32 words, then bytes):
 *   DOORBELL   bumped and notified on every event, the one word the process waits on
 *   IN_HEAD    total bytes ever written to the stdin ring (writer side)
 *   IN_TAIL    total bytes ever read from it (reader side)
 *   IN_CLOSED  1 once stdin is closed (after the ring drains, reads return EOF)
 *   SIGNAL     pending signal number (2 SIGINT, 15 SIGTERM), 0 when none
 *   REQUEST    1 while a request waits in the request area, 0 once the process took it
 *   REQUEST_LEN bytes of JSON in the request area
 */
export const DOORBELL = 0;
export const IN_HEAD = 1;
export const IN_TAIL = 2;
export const IN_CLOSED = 3;
export const SIGNAL = 4;
export const REQUEST = 5;
export const REQUEST_LEN = 6;
const HEADER_WORDS = 8;
export const RING_BYTES = 64 * 1024;
export const REQUEST_BYTES = 64 * 1024;

export interface ControlViews {
  words: Int32Array;
  ring: Uint8Array;
  request: Uint8Array;
}

/**
 * Shared memory needs a cross-origin isolated page (COOP/COEP). Without it the block is a plain
 * ArrayBuffer copied to the process: containers still run, but stdin reads as empty and exec,
 * live diff and signals cannot reach a running process (the runtime says so).
 */
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

export function createControlBlock(): SharedArrayBuffer {
  const bytes = HEADER_WORDS * 4 + RING_BYTES + REQUEST_BYTES;
  return sharedMemoryAvailable() ? new SharedArrayBuffer(bytes) : (new ArrayBuffer(bytes) as unknown as SharedArrayBuffer);
}

export function isShared(views: ControlViews): boolean {
  return typeof SharedArrayBuffer === 'function' && views.words.buffer instanceof SharedArrayBuffer;
}

export function controlViews(sab: SharedArrayBuffer): ControlViews {
  return {
    words: new Int32Array(sab, 0, HEADER_WORDS),
    ring: new Uint8Array(sab, HEADER_WORDS * 4, RING_BYTES),
    request: new Uint8Array(sab, HEADER_WORDS * 4 + RING_BYTES, REQUEST_BYTES),
  };
}

export function ring(views: ControlViews): void {
  Atomics.add(views.words, DOORBELL, 1);
  Atomics.notify(views.words, DOORBELL);
}

/** Writer side: copy as much of `data` as fits into the ring; returns the bytes taken. */
export function ringWrite(views: ControlViews, data: Uint8Array): number {
  const head = Atomics.load(views.words, IN_HEAD);
  const tail = Atomics.load(views.words, IN_TAIL);
  const free = RING_BYTES - (head - tail);
  const n = Math.min(free, data.length);
  for (let i = 0; i < n; i++) views.ring[(head + i) % RING_BYTES] = data[i];
  Atomics.store(views.words, IN_HEAD, head + n);
  if (n > 0) ring(views);
  return n;
}

/** Reader side: bytes available now (may be 0). */
export function ringRead(views: ControlViews, max: number): Uint8Array {
  const head = Atomics.load(views.words, IN_HEAD);
  const tail = Atomics.load(views.words, IN_TAIL);
  const n = Math.min(head - tail, max);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = views.ring[(tail + i) % RING_BYTES];
  Atomics.store(views.words, IN_TAIL, tail + n);
  // The writer may be waiting for room.
  if (n > 0) Atomics.notify(views.words, IN_TAIL);
  return out;
}
