/**
 * The one error type of the engine, with a closed set of codes (after containerd's errdefs).
 * Every failure that crosses a port or the Engine API is an EngineError; hosts map its code to
 * their transport in exactly one place each (`httpStatus` and `exitStatus` below).
 */
export type ErrorCode =
  | 'invalid-argument' // malformed input: a bad reference, a bad Dockerfile, a bad flag
  | 'invalid-content' // bytes that fail verification: digest mismatch, corrupt tar, bad manifest
  | 'not-found'
  | 'already-exists'
  | 'conflict' // the request is valid but the state forbids it: removing a running container
  | 'not-modified' // already started / already stopped: Docker answers 304
  | 'resource-exhausted' // budgets, quota, size limits
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable' // a dependency is missing or unreachable (registry down, runc missing)
  | 'cannot-invoke' // the command exists but cannot be run (Docker's 126)
  | 'command-not-found' // the entrypoint does not exist in the image (Docker's 127)
  | 'internal';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  /** Errors cross worker and network boundaries as data, then are rebuilt (as comlink does). */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }

  static fromJSON(data: { code: ErrorCode; message: string; details?: Record<string, unknown> }): EngineError {
    return new EngineError(data.code, data.message, data.details);
  }
}

export function isEngineError(e: unknown, code?: ErrorCode): e is EngineError {
  return e instanceof EngineError && (code === undefined || e.code === code);
}

/** HTTP status for the Docker Engine API and the registry (one place, as errhttp). */
export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'invalid-argument':
    case 'invalid-content':
    // A program that cannot start fails the start as Docker's startInvalidConfigError: 400.
    case 'command-not-found':
    case 'cannot-invoke':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'already-exists':
    case 'conflict':
      return 409;
    case 'not-modified':
      return 304;
    case 'resource-exhausted':
      return 413;
    case 'unavailable':
      return 503;
    default:
      return 500;
  }
}

/**
 * Exit status of the `docker` CLI when the engine itself fails, as Docker's:
 * 125 for an engine error, 126 when the command cannot be invoked, 127 when it is not found.
 * (137, killed, is a container's status, not an engine error.)
 */
export function exitStatus(code: ErrorCode): number {
  switch (code) {
    case 'cannot-invoke':
      return 126;
    case 'command-not-found':
      return 127;
    default:
      return 125;
  }
}

/** Docker's exit status for a container ended by SIGKILL: stop timeout, kill, out of memory. */
export const EXIT_KILLED = 137;
