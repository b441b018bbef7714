/**
 * dockyard.spawn - the host import that starts another program (its sibling dockyard.signal, how
 * a program learns of signals, is in signal-abi.ts).
 *
 * WASI (preview1) cannot start another program. The shell in `box` runs its own applets inside
 * its module; for any other WASI module in the image (`RUN sqlite3 ...` goes through
 * `/bin/sh -c`) it calls this import, and the host runs that module on the same file system,
 * waits for it, and returns its status. Both hosts (the browser's container Worker, the
 * kernel service's Node runtime) provide it through the process host (process-host.ts), which
 * decodes requests with `decodeSpawnRequest` below.
 *
 * Import (wasm32):  (import "dockyard" "spawn" (func (param i32 i32) (result i32)))
 *                   int32_t spawn(const char *request, uint32_t request_len)
 *
 * Request: `request_len` bytes of linear memory at `request`, a sequence of UTF-8 fields each
 * terminated by a NUL byte, in this order:
 *
 *   "dockyard-spawn-1"   magic and version
 *   path                 absolute path of the module in the shared file system (the guest has
 *                        already checked it exists and starts with "\0asm")
 *   cwd                  absolute working directory for the child
 *   stdin                "" = inherit the caller's stdin; otherwise a file path to read from
 *   stdout               "" = inherit the caller's stdout; otherwise a file path to APPEND to
 *                        (the guest has created or truncated it, honouring `>` versus `>>`)
 *   stderr               "" = inherit; "&1" = wherever the child's stdout goes; otherwise a
 *                        file path to append to
 *   argc                 decimal
 *   argv[0..argc)        argv[0] is the name the user typed
 *   envc                 decimal
 *   env[0..envc)         "NAME=value"
 *
 * No bytes may follow the last field. Relative stdio paths are resolved against cwd.
 *
 * Working directory: WASI preview1 has none, so the host passes cwd to the child as the PWD
 * environment variable (spawnEnvRecord does it) and Dockyard's own programs (box, hello,
 * sqlite3) chdir to $PWD when they start. Hosts start a container's first process the same way,
 * with PWD set to the image's WorkingDir.
 *
 * Result: an int32 whose top 16 bits are SPAWN_TAG, so that a runtime which stubs unknown
 * imports (returning 0 or -1) can be told apart from a real host:
 *
 *   SPAWN_TAG | (SpawnKind.Exited << 8)   | status     the child exited with status 0..255
 *   SPAWN_TAG | (SpawnKind.Failed << 8)   | SpawnError the child could not be started
 *   SPAWN_TAG | (SpawnKind.Signaled << 8) | signal     the child was ended abnormally: 6 for a
 *                                                      trap (like SIGABRT), 9 when killed
 *                                                      (memory limit, stop); the shell reports
 *                                                      128 + signal, as a POSIX shell does
 *
 * Anything without the tag means "this runtime has no spawn": box prints a clear message and
 * returns 126. The import is synchronous: the caller is blocked until the child ends. It is
 * implemented once, for every host, in process-host.ts; a container's process may start a chain
 * of SPAWN_MAX_DEPTH programs below it (`maySpawn`), the next is refused with SpawnError.Limit.
 */
import { EngineError } from '../errors.ts';

export const SPAWN_IMPORT_MODULE = 'dockyard';
export const SPAWN_IMPORT_NAME = 'spawn';
export const SPAWN_MAGIC = 'dockyard-spawn-1';
/** "DY" in the top 16 bits of every real result. */
export const SPAWN_TAG = 0x44590000;
export const SPAWN_MAX_DEPTH = 8;
/** Requests larger than this are refused before decoding (argv + env of a shell command). */
export const SPAWN_MAX_REQUEST_BYTES = 1 << 20;

export enum SpawnKind {
  Exited = 0,
  Failed = 1,
  Signaled = 2,
}

export enum SpawnError {
  /** the module file does not exist */
  NotFound = 1,
  /** the file is not a WASI module, or it failed to compile or instantiate */
  NotExecutable = 2,
  /** the request could not be decoded */
  Invalid = 3,
  /** too many nested spawns, or another host limit */
  Limit = 4,
  /** the host knows the import but cannot run programs here */
  Unsupported = 5,
}

export const SPAWN_SIGNAL_TRAP = 6;
export const SPAWN_SIGNAL_KILL = 9;

/** Where one of the child's standard streams goes. */
export type SpawnStdio =
  | { kind: 'inherit' }
  | { kind: 'file'; path: string }
  /** stderr only: the same destination as the child's stdout */
  | { kind: 'stdout' };

export interface SpawnRequest {
  path: string;
  argv: string[];
  /** "NAME=value" strings, in the order the guest sent them */
  env: string[];
  cwd: string;
  stdin: SpawnStdio;
  stdout: SpawnStdio;
  stderr: SpawnStdio;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function invalid(message: string): EngineError {
  return new EngineError('invalid-argument', `dockyard.spawn: ${message}`);
}

function parseCount(field: string, what: string, remaining: number): number {
  if (!/^(0|[1-9][0-9]{0,6})$/.test(field)) throw invalid(`bad ${what} "${field.slice(0, 20)}"`);
  const n = Number(field);
  if (n > remaining) throw invalid(`${what} ${n} exceeds the fields present`);
  return n;
}

function stdio(field: string, which: 'stdin' | 'stdout' | 'stderr', cwd: string): SpawnStdio {
  if (field === '') return { kind: 'inherit' };
  if (field === '&1') {
    if (which !== 'stderr') throw invalid(`"&1" is only valid for stderr`);
    return { kind: 'stdout' };
  }
  return { kind: 'file', path: resolveGuestPath(cwd, field) };
}

/**
 * Decodes a request from guest memory. Throws EngineError('invalid-argument') on anything
 * malformed: out-of-bounds pointers, oversize requests, bad UTF-8, a wrong magic, missing or
 * extra fields, relative paths where absolute ones are required.
 */
export function decodeSpawnRequest(memory: Uint8Array, ptr: number, len: number): SpawnRequest {
  if (!Number.isInteger(ptr) || !Number.isInteger(len) || ptr < 0 || len < 0) throw invalid('bad pointer or length');
  if (len > SPAWN_MAX_REQUEST_BYTES) throw invalid(`request of ${len} bytes is too large`);
  if (ptr + len > memory.length) throw invalid('request lies outside guest memory');
  const bytes = memory.subarray(ptr, ptr + len);
  if (len === 0 || bytes[len - 1] !== 0) throw invalid('request must end with a NUL byte');
  let text: string;
  try {
    text = decoder.decode(bytes.subarray(0, len - 1));
  } catch {
    throw invalid('request is not valid UTF-8');
  }
  const fields = text.split('\0');
  let i = 0;
  const next = (what: string): string => {
    if (i >= fields.length) throw invalid(`missing ${what}`);
    return fields[i++];
  };
  if (next('magic') !== SPAWN_MAGIC) throw invalid(`unknown request version (expected "${SPAWN_MAGIC}")`);
  const path = next('path');
  const cwd = next('cwd');
  if (!path.startsWith('/')) throw invalid(`path must be absolute: "${path}"`);
  if (!cwd.startsWith('/')) throw invalid(`cwd must be absolute: "${cwd}"`);
  const stdin = stdio(next('stdin'), 'stdin', cwd);
  const stdout = stdio(next('stdout'), 'stdout', cwd);
  const stderr = stdio(next('stderr'), 'stderr', cwd);
  const argc = parseCount(next('argc'), 'argc', fields.length - i);
  const argv = fields.slice(i, i + argc);
  i += argc;
  if (argc < 1) throw invalid('argv must hold at least the program name');
  const envc = parseCount(next('envc'), 'envc', fields.length - i);
  const env = fields.slice(i, i + envc);
  i += envc;
  for (const e of env) if (e.indexOf('=') < 1) throw invalid(`bad environment entry "${e.slice(0, 40)}"`);
  if (i !== fields.length) throw invalid('unexpected data after the last field');
  return { path: normalizeGuestPath(path), argv, env, cwd: normalizeGuestPath(cwd), stdin, stdout, stderr };
}

/** Encodes a request (what box's shell does in C); for tests and for hosts that spawn themselves. */
export function encodeSpawnRequest(req: SpawnRequest): Uint8Array {
  const io = (s: SpawnStdio): string => (s.kind === 'inherit' ? '' : s.kind === 'stdout' ? '&1' : s.path);
  const fields = [SPAWN_MAGIC, req.path, req.cwd, io(req.stdin), io(req.stdout), io(req.stderr), String(req.argv.length), ...req.argv, String(req.env.length), ...req.env];
  return encoder.encode(fields.map((f) => `${f}\0`).join(''));
}

export function spawnExited(status: number): number {
  return SPAWN_TAG | (SpawnKind.Exited << 8) | (status & 0xff);
}

export function spawnFailed(error: SpawnError): number {
  return SPAWN_TAG | (SpawnKind.Failed << 8) | (error & 0xff);
}

export function spawnSignaled(signal: number): number {
  return SPAWN_TAG | (SpawnKind.Signaled << 8) | (signal & 0xff);
}

export type SpawnResult =
  | { kind: 'exited'; status: number }
  | { kind: 'failed'; error: SpawnError }
  | { kind: 'signaled'; signal: number }
  | { kind: 'unsupported' };

/** Reads a result the way the guest does (the C side lives in images/box/sh_spawn.c). */
export function decodeSpawnResult(result: number): SpawnResult {
  if (((result >>> 16) << 16) >>> 0 !== SPAWN_TAG) return { kind: 'unsupported' };
  const kind = (result >>> 8) & 0xff;
  const value = result & 0xff;
  if (kind === SpawnKind.Exited) return { kind: 'exited', status: value };
  if (kind === SpawnKind.Failed) return { kind: 'failed', error: value as SpawnError };
  if (kind === SpawnKind.Signaled) return { kind: 'signaled', signal: value };
  return { kind: 'unsupported' };
}

/** Collapses ".", ".." and repeated slashes of an absolute guest path; ".." never leaves "/". */
export function normalizeGuestPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export function resolveGuestPath(cwd: string, path: string): string {
  return normalizeGuestPath(path.startsWith('/') ? path : `${cwd}/${path}`);
}

/**
 * The child's environment as a record (a later duplicate wins, as with setenv), with PWD set to
 * the request's cwd: that is how a WASI preview1 program learns its working directory.
 */
export function spawnEnvRecord(req: Pick<SpawnRequest, 'env' | 'cwd'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of req.env) {
    const eq = e.indexOf('=');
    out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  out.PWD = req.cwd;
  return out;
}

/** True when bytes start with the WebAssembly magic "\0asm". */
export function isWasmModule(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}
