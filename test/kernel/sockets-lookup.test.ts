/**
 * A runner's name lookups over its status channel (kernel-node/runner/name-lookup.ts), with this
 * test as the service: a child Node process looks names up on its fd 3 - a socket whose other end
 * is here, as runc-process.ts holds it - through the native calls the service compiles.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupAnswer, LookupRequest } from '../../kernel-node/runner/name-lookup.ts';
import { compileHostHelper } from '../../kernel-node/runtime/host-helpers.ts';
import { tempDir } from './harness.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dir = tempDir('dockyard-lookup-');
const addon = join(dir, 'socket-calls.node');
const child = join(dir, 'lookups.mts');

beforeAll(async () => {
  const built = await compileHostHelper('../runner/socket-calls.c', addon, ['-shared', '-fPIC', '-I', join(process.execPath, '..', '..', 'include', 'node')]);
  if (!built.path) throw new Error(built.problem);
  // The runner's side: each argument looked up in turn, each answer printed as a JSON line.
  writeFileSync(
    child,
    `import { nativeReadable, statusChannelLookup } from ${JSON.stringify(join(repo, 'kernel-node/runner/name-lookup.ts'))};
import { loadSocketCalls } from ${JSON.stringify(join(repo, 'kernel-node/runner/socket-calls.ts'))};
const calls = loadSocketCalls(${JSON.stringify(addon)});
const lookup = statusChannelLookup(3, { timeoutMs: 1000, readable: nativeReadable(calls, 3) });
for (const name of process.argv.slice(2)) console.log(JSON.stringify(lookup(name)));
`,
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the lookups of `names` against `serve`, which answers (or not) each request; the printed answers and the requests seen. */
function lookups(names: string[], serve: (request: LookupRequest, answer: (line: string) => void) => void): Promise<{ answers: string[][]; requests: string[] }> {
  const p = spawn(process.execPath, ['--import', 'tsx', child, ...names], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit', 'pipe'] });
  const channel = p.stdio[3] as Duplex;
  const requests: string[] = [];
  let text = '';
  channel.on('data', (d: Buffer) => {
    text += d.toString();
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
      const request = JSON.parse(text.slice(0, nl)) as LookupRequest;
      text = text.slice(nl + 1);
      requests.push(request.resolve);
      serve(request, (line) => channel.write(line + '\n'));
    }
  });
  channel.on('error', () => undefined);
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve) => p.on('exit', () => resolve({ answers: out.trim().split('\n').map((l) => JSON.parse(l) as string[]), requests })));
}

const answer = (id: number, addresses: string[]) => JSON.stringify({ id, addresses } satisfies LookupAnswer);

describe('name lookups over the status channel', () => {
  it('each name is asked of the service, its answer is the addresses; nothing known is empty', async () => {
    const r = await lookups(['kv', 'nobody'], (q, send) => send(answer(q.id, q.resolve === 'kv' ? ['172.18.0.2', '172.19.0.3'] : [])));
    expect(r).toEqual({ answers: [['172.18.0.2', '172.19.0.3'], []], requests: ['kv', 'nobody'] });
  }, 60_000);

  it('lines that are not its answer are skipped: another id, not JSON, addresses that are not strings', async () => {
    const r = await lookups(['kv'], (q, send) => {
      send(answer(q.id + 100, ['10.0.0.1']));
      send('not json');
      send(JSON.stringify({ id: q.id, addresses: ['172.18.0.2', 7, null] }));
    });
    expect(r.answers).toEqual([['172.18.0.2']]);
  }, 60_000);

  it('a service that does not answer: the lookup ends empty after its timeout, and the late answer is not taken for the next name', async () => {
    let silent: LookupRequest | undefined;
    const r = await lookups(['slow', 'kv'], (q, send) => {
      if (q.resolve === 'slow') {
        silent = q;
        return;
      }
      send(answer(silent!.id, ['10.9.9.9']));
      send(answer(q.id, ['172.18.0.2']));
    });
    expect(r).toEqual({ answers: [[], ['172.18.0.2']], requests: ['slow', 'kv'] });
  }, 60_000);

  it('an empty name or one longer than DNS allows resolves nowhere without asking', async () => {
    const r = await lookups(['', 'x'.repeat(254), 'kv'], (q, send) => send(answer(q.id, ['172.18.0.2'])));
    expect(r).toEqual({ answers: [[], [], ['172.18.0.2']], requests: ['kv'] });
  }, 60_000);
});
