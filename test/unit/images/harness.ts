/** Runs box under both runtimes with the same files and hands back both results. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { createNodeRuntime } from './runtimes/node-wasi.ts';
import { createWasmerRuntime, initWasmer } from './runtimes/wasmer-wasi.ts';
import type { FileSpec, RunOptions, RunResult, TestRuntime } from './runtimes/types.ts';

export const BOX = new Uint8Array(readFileSync(new URL('../../../images/box/box.wasm', import.meta.url)));

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

export async function bothRuntimes(files: FileSpec = {}): Promise<TestRuntime[]> {
  await initWasmer();
  const all = { ...BASE_FILES, ...files };
  return [createNodeRuntime(all, BOX), createWasmerRuntime(all, BOX)];
}

export interface Expected { stdout?: string; stderr?: string; status?: number }

/** Runs argv on both runtimes and asserts each gives exactly the expected stdout, stderr, status. */
export async function expectRun(argv: string[], expected: Expected, options: RunOptions & { files?: FileSpec } = {}): Promise<RunResult[]> {
  const rts = await bothRuntimes(options.files);
  try {
    const results = rts.map((rt) => ({ rt: rt.name, ...rt.run(argv, options) }));
    const want = { stdout: expected.stdout ?? '', stderr: expected.stderr ?? '', status: expected.status ?? 0 };
    for (const r of results) expect({ rt: r.rt, stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ rt: r.rt, ...want });
    return results;
  } finally {
    for (const rt of rts) rt.dispose();
  }
}

/** `sh -c SCRIPT` on both runtimes. */
export function expectSh(script: string, expected: Expected, options: RunOptions & { files?: FileSpec } = {}): Promise<RunResult[]> {
  return expectRun(['sh', '-c', script], expected, options);
}
