import { describe, expect, it } from 'vitest';
import {
  SPAWN_MAGIC, SPAWN_MAX_REQUEST_BYTES, SpawnError, decodeSpawnRequest, decodeSpawnResult, encodeSpawnRequest, isWasmModule, normalizeGuestPath,
  spawnEnvRecord, spawnExited, spawnFailed, spawnSignaled, type SpawnRequest,
} from '../../../engine/wasi/spawn-abi.ts';
import { isEngineError } from '../../../engine/errors.ts';

const enc = new TextEncoder();
const fields = (...f: string[]): Uint8Array => enc.encode(f.map((x) => `${x}\0`).join(''));
const base = [SPAWN_MAGIC, '/usr/bin/sqlite3', '/data', '', '/tmp/out', '&1', '2', 'sqlite3', 'db.sqlite', '1', 'HOME=/root'];

function decodeAt(bytes: Uint8Array, offset = 16): SpawnRequest {
  const memory = new Uint8Array(offset + bytes.length + 16);
  memory.set(bytes, offset);
  return decodeSpawnRequest(memory, offset, bytes.length);
}

function rejects(bytes: Uint8Array, message: RegExp): void {
  let err: unknown;
  try {
    decodeAt(bytes);
  } catch (e) {
    err = e;
  }
  expect(isEngineError(err, 'invalid-argument')).toBe(true);
  expect((err as Error).message).toMatch(message);
}

describe('spawn ABI: requests', () => {
  it('decodes what box sends', () => {
    expect(decodeAt(fields(...base))).toEqual({
      path: '/usr/bin/sqlite3', cwd: '/data', argv: ['sqlite3', 'db.sqlite'], env: ['HOME=/root'],
      stdin: { kind: 'inherit' }, stdout: { kind: 'file', path: '/tmp/out' }, stderr: { kind: 'stdout' },
    });
  });
  it('round-trips through encodeSpawnRequest, including empty and non-ASCII arguments', () => {
    const req: SpawnRequest = { path: '/bin/x', cwd: '/', argv: ['x', '', 'héllo wörld'], env: [], stdin: { kind: 'file', path: '/tmp/in' }, stdout: { kind: 'inherit' }, stderr: { kind: 'inherit' } };
    expect(decodeAt(encodeSpawnRequest(req))).toEqual(req);
  });
  it('resolves relative stdio paths against cwd and normalises paths', () => {
    const r = decodeAt(fields(SPAWN_MAGIC, '/a/../bin//x', '/data/./sub', 'in.txt', '../out', '', '1', 'x', '0'));
    expect(r.path).toBe('/bin/x');
    expect(r.stdin).toEqual({ kind: 'file', path: '/data/sub/in.txt' });
    expect(r.stdout).toEqual({ kind: 'file', path: '/data/out' });
  });
  it('refuses hostile and malformed requests', () => {
    rejects(fields('dockyard-spawn-2', ...base.slice(1)), /version/);
    rejects(fields(...base.slice(0, -1)), /envc|missing/);
    rejects(fields(...base, 'extra'), /after the last field/);
    rejects(enc.encode(`${base.join('\0')}`), /NUL/);
    rejects(fields(SPAWN_MAGIC, 'relative/x', '/', '', '', '', '1', 'x', '0'), /absolute/);
    rejects(fields(SPAWN_MAGIC, '/x', '/', '&1', '', '', '1', 'x', '0'), /only valid for stderr/);
    rejects(fields(SPAWN_MAGIC, '/x', '/', '', '', '', '99', 'x', '0'), /argc/);
    rejects(fields(SPAWN_MAGIC, '/x', '/', '', '', '', '-1', 'x', '0'), /argc/);
    rejects(fields(SPAWN_MAGIC, '/x', '/', '', '', '', '0', '0'), /program name/);
    rejects(fields(SPAWN_MAGIC, '/x', '/', '', '', '', '1', 'x', '1', 'NOEQUALS'), /environment/);
    rejects(new Uint8Array([...enc.encode(`${SPAWN_MAGIC}\0/x\0`), 0xff, 0xfe, 0]), /UTF-8/);
  });
  it('refuses pointers outside guest memory and oversize requests', () => {
    const memory = new Uint8Array(64);
    expect(() => decodeSpawnRequest(memory, 60, 10)).toThrow(/outside guest memory/);
    expect(() => decodeSpawnRequest(memory, -1, 4)).toThrow(/bad pointer/);
    expect(() => decodeSpawnRequest(memory, 0, SPAWN_MAX_REQUEST_BYTES + 1)).toThrow(/too large/);
  });
  it('gives the child PWD = cwd, overriding the caller\'s', () => {
    expect(spawnEnvRecord({ cwd: '/data', env: ['PWD=/', 'A=1', 'A=2', 'EMPTY='] })).toEqual({ PWD: '/data', A: '2', EMPTY: '' });
  });
});

describe('spawn ABI: results', () => {
  it('tags every real result and tells stubs apart', () => {
    expect(decodeSpawnResult(spawnExited(0))).toEqual({ kind: 'exited', status: 0 });
    expect(decodeSpawnResult(spawnExited(255))).toEqual({ kind: 'exited', status: 255 });
    expect(decodeSpawnResult(spawnFailed(SpawnError.NotFound))).toEqual({ kind: 'failed', error: SpawnError.NotFound });
    expect(decodeSpawnResult(spawnSignaled(9))).toEqual({ kind: 'signaled', signal: 9 });
    expect(decodeSpawnResult(0)).toEqual({ kind: 'unsupported' });
    expect(decodeSpawnResult(-1)).toEqual({ kind: 'unsupported' });
    expect(spawnExited(3)).toBeGreaterThan(0);
  });
});

describe('spawn ABI: helpers', () => {
  it('normalises guest paths without leaving /', () => {
    expect(normalizeGuestPath('/../../etc/./passwd')).toBe('/etc/passwd');
    expect(normalizeGuestPath('/')).toBe('/');
  });
  it('recognises WebAssembly modules', () => {
    expect(isWasmModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toBe(true);
    expect(isWasmModule(enc.encode('#!/bin/sh\n'))).toBe(false);
    expect(isWasmModule(new Uint8Array([0, 0x61]))).toBe(false);
  });
});
