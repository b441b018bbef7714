/**
 * Runs programs on both hosts' real adapters to the process host (engine/wasi/process-host.ts),
 * in Node, with the same files: the browser's (worker/process/wasi-process.ts: @wasmer/wasi on a
 * MemFS with its link table) and the kernel's (kernel-node/runner/wasi-runner-host.ts: node:wasi on a
 * directory that stands for the container's rootfs, outside runc).
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { init, WASI } from '@wasmer/wasi';
import { expect } from 'vitest';
import type { FsNode } from '../../../engine/ports.ts';
import { ProgramCache } from '../../../engine/wasi/program-cache.ts';
import { containerEnv, loadProgram, runProgram, type ProgramExit } from '../../../engine/wasi/process-host.ts';
import { normalizeGuestPath } from '../../../engine/wasi/spawn-abi.ts';
import { controlViews, createControlBlock, FOREGROUND_SIGNALS, postSignal, SIGNAL } from '../../../worker/process/control-block.ts';
import { TERMINAL_STDIO } from '../../../worker/process/terminal-fds.ts';
import { signalBit } from '../../../engine/wasi/signal-abi.ts';
import { loadRoot } from '../../../worker/process/memfs-root.ts';
import type { RootEntries } from '../../../worker/process/process-protocol.ts';
import { browserPorts, type ProcessBinding } from '../../../worker/process/wasi-process.ts';
import { runGuest } from '../../../kernel-node/runner/wasi-runner-host.ts';

export const BOX = new Uint8Array(readFileSync(new URL('../../../images/box/box.wasm', import.meta.url)));

/** A root as a test states it: files (text or bytes), directories, symbolic links. */
export type FileSpec = Record<string, string | Uint8Array | { dir: true } | { link: string }>;

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  /** The container's memory limit (--memory). */
  memoryBytes?: number;
  cwd?: string;
  /** docker run -t: stdio is the terminal, TERM=xterm. */
  tty?: boolean;
  /**
   * Signals to send to PID 1 (docker kill) or from the terminal (Ctrl-C) once the program has
   * written `after` (to stdout or stderr) - then, or (`blocked`) when it next blocks (sleep, read).
   */
  signals?: Array<{ after: string; signal: number; to: 'init' | 'foreground'; blocked?: boolean }>;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
  /** the program trapped (abort, unreachable): no exit status of its own */
  trapped: boolean;
  oomKilled: boolean;
  /** why it could not start (State.Error) */
  error?: string;
}

export interface TestHost {
  readonly name: 'browser' | 'kernel';
  run(argv: string[], options?: RunOptions): RunResult;
  readFile(path: string): string | null;
  dispose(): void;
}

export const DEFAULT_ENV: Record<string, string> = { PATH: '/bin:/usr/bin:/usr/local/bin', HOME: '/root' };

export const BASE_FILES: FileSpec = {
  '/etc/hostname': 'box-test\n',
  '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n',
  '/tmp': { dir: true },
  '/root': { dir: true },
  '/bin/box': BOX,
  '/bin/sh': BOX,
  '/bin/ls': BOX,
  '/bin/cat': BOX,
  '/data/fruits.txt': 'banana\napple\ncherry\napple\nBanana\n',
  '/data/numbers.txt': '10\n9\n100\n1\n',
  '/data/table.csv': 'name,age,city\nana,31,lisbon\nbo,25,oslo\n',
};

// Every finished instance keeps its linear memory mapped until V8 collects it, and each memory that
// grew holds many memory mappings: a few dozen runs exhaust vm.max_map_count (65530 here) and V8
// aborts the process. A full collection after each host's use keeps the test process alive.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const enc = new TextEncoder();
const isDir = (v: FileSpec[string]): v is { dir: true } => typeof v === 'object' && 'dir' in v;
const isLink = (v: FileSpec[string]): v is { link: string } => typeof v === 'object' && 'link' in v;

function processEnv(options: RunOptions): string[] {
  const env = Object.entries({ ...DEFAULT_ENV, ...options.env }).map(([k, v]) => `${k}=${v}`);
  return containerEnv({ env, cwd: options.cwd ?? '/', tty: options.tty ?? false });
}

function result(exit: ProgramExit, stdout: string, stderr: string): RunResult {
  return { stdout, stderr, status: exit.exitCode, trapped: exit.trapped ?? false, oomKilled: exit.oomKilled, ...(exit.error !== undefined ? { error: exit.error } : {}) };
}

/** The entries of a MemFS root for `files`: every parent directory before its children. */
function rootEntries(files: FileSpec): RootEntries {
  const nodes = new Map<string, FsNode>([['/', { type: 'dir', mode: 0o755 }]]);
  for (const [raw, content] of Object.entries(files)) {
    const path = normalizeGuestPath(raw);
    for (let p = dirname(path); !nodes.has(p); p = dirname(p)) nodes.set(p, { type: 'dir', mode: 0o755 });
    if (isDir(content)) nodes.set(path, { type: 'dir', mode: 0o755 });
    else if (isLink(content)) nodes.set(path, { type: 'symlink', target: content.link });
    else nodes.set(path, { type: 'file', mode: 0o755, content: typeof content === 'string' ? enc.encode(content) : content });
  }
  return [...nodes].sort(([a], [b]) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
}

/** worker/process's adapter, as a process Worker runs it (without the Worker). */
export function browserHost(files: FileSpec): TestHost {
  const anchor = new WASI({ args: [], env: {} });
  const root = loadRoot(anchor, rootEntries(files));
  const ports = browserPorts({ anchor, root });
  const control = controlViews(new SharedArrayBuffer(createControlBlock().byteLength));
  const caches = new Map<number | undefined, ProgramCache>();
  return {
    name: 'browser',
    run(argv, options = {}) {
      const out: Uint8Array[] = [];
      const err: Uint8Array[] = [];
      const waiting = [...(options.signals ?? [])];
      let written = '';
      // As the runtime posts them from the engine's thread (wasi-runtime.ts kill, writeTerminal).
      const send = (blocked: boolean) => {
        for (const s of waiting.filter((w) => written.includes(w.after) && (w.blocked ?? false) === blocked)) {
          waiting.splice(waiting.indexOf(s), 1);
          postSignal(control, s.to === 'init' ? SIGNAL : FOREGROUND_SIGNALS, signalBit(s.signal));
        }
      };
      const write = (fd: 1 | 2, data: Uint8Array) => {
        (fd === 1 ? out : err).push(data.slice());
        written += Buffer.from(data).toString('utf8');
        send(false);
      };
      const stdio: ProcessBinding = {
        run: { control, stdin: options.stdin === undefined ? { kind: 'empty' } : { kind: 'bytes', data: enc.encode(options.stdin), at: 0 }, ...(options.tty ? { terminal: TERMINAL_STDIO } : {}) },
        // Called whenever the process blocks (wasi-process.ts waitDoorbell).
        host: { write, serve: () => send(true) },
      };
      let programs = caches.get(options.memoryBytes);
      if (!programs) caches.set(options.memoryBytes, (programs = new ProgramCache(options.memoryBytes)));
      const env = processEnv(options);
      const loaded = loadProgram(ports.files, programs, argv[0] ?? '', env, options.cwd ?? '/');
      let exit: ProgramExit;
      if ('module' in loaded) exit = runProgram(ports, programs, { module: loaded.module, args: argv, env, stdio, depth: 0, init: true, ...(options.memoryBytes ? { memoryBytes: options.memoryBytes } : {}) });
      // As the browser's runtime: a program that cannot start writes nothing, its exit says why (wasi-runtime.ts).
      else exit = loaded;
      const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8');
      return result(exit, text(out), text(err));
    },
    readFile(path) {
      try {
        return Buffer.from(ports.files.read(path)).toString('utf8');
      } catch {
        return null;
      }
    },
    dispose() {
      try {
        anchor.free();
      } catch {
        // Already given back.
      }
      collect();
    },
  };
}

/** kernel-node's adapter, as the runner inside runc runs it, on a temporary directory. */
export function kernelHost(files: FileSpec): TestHost {
  const rootDir = mkdtempSync(join(tmpdir(), 'guest-root-'));
  const io = mkdtempSync(join(tmpdir(), 'guest-io-'));
  const host = (guest: string): string => join(rootDir, normalizeGuestPath(guest));
  for (const [path, content] of Object.entries(files)) {
    const p = host(path);
    if (isDir(content)) {
      mkdirSync(p, { recursive: true });
      continue;
    }
    mkdirSync(dirname(p), { recursive: true });
    if (isLink(content)) symlinkSync(content.link, p);
    else writeFileSync(p, content);
  }
  // Layer files carry the epoch as their mtime here, which is what a MemFS reports for every file.
  const stamp = (p: string): void => {
    utimesSync(p, 0, 0);
    if (p !== rootDir) stamp(dirname(p));
  };
  for (const [path, content] of Object.entries(files)) if (!isLink(content)) stamp(host(path));
  let runs = 0;
  return {
    name: 'kernel',
    run(argv, options = {}) {
      if (options.signals || options.tty) throw new Error('the kernel host under test has no terminal and no signal source yet');
      const n = runs++;
      const inPath = join(io, `in-${n}`);
      const outPath = join(io, `out-${n}`);
      const errPath = join(io, `err-${n}`);
      writeFileSync(inPath, options.stdin ?? '');
      writeFileSync(outPath, '');
      writeFileSync(errPath, '');
      const fds = { stdin: openSync(inPath, 'r'), stdout: openSync(outPath, 'a'), stderr: openSync(errPath, 'a') };
      let exit: ProgramExit;
      try {
        exit = runGuest({ args: argv, env: processEnv(options), cwd: options.cwd ?? '/', root: rootDir, ...(options.memoryBytes ? { memoryBytes: options.memoryBytes } : {}) }, fds);
      } finally {
        closeSync(fds.stdin);
        closeSync(fds.stdout);
        closeSync(fds.stderr);
      }
      return result(exit, readFileSync(outPath, 'utf8'), readFileSync(errPath, 'utf8'));
    },
    readFile(path) {
      try {
        return readFileSync(host(path), 'utf8');
      } catch {
        return null;
      }
    },
    dispose() {
      collect();
      rmSync(rootDir, { recursive: true, force: true });
      rmSync(io, { recursive: true, force: true });
    },
  };
}

let ready: Promise<void> | undefined;

/** Both hosts over the same files (BASE_FILES and `files`). */
export async function bothHosts(files: FileSpec = {}): Promise<TestHost[]> {
  // @wasmer/wasi decodes its inlined runtime with Node's Buffer (the process Worker installs a shim).
  ready ??= init();
  await ready;
  const all = { ...BASE_FILES, ...files };
  return [kernelHost(all), browserHost(all)];
}

export interface Expected {
  stdout?: string;
  stderr?: string;
  status?: number;
}

/** Runs argv on both hosts and asserts each gives exactly the expected stdout, stderr, status. */
export async function expectRun(argv: string[], expected: Expected, options: RunOptions & { files?: FileSpec } = {}): Promise<RunResult[]> {
  const hosts = await bothHosts(options.files);
  try {
    const results = hosts.map((h) => ({ host: h.name, ...h.run(argv, options) }));
    const want = { stdout: expected.stdout ?? '', stderr: expected.stderr ?? '', status: expected.status ?? 0 };
    for (const r of results) expect({ host: r.host, stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ host: r.host, ...want });
    return results;
  } finally {
    for (const h of hosts) h.dispose();
  }
}

/** `sh -c SCRIPT` on both hosts. */
export function expectSh(script: string, expected: Expected, options: RunOptions & { files?: FileSpec } = {}): Promise<RunResult[]> {
  return expectRun(['sh', '-c', script], expected, options);
}
