/**
 * `docker run` as one Engine `run` call (what the browser engine offers) against the four calls a
 * client over HTTP makes: on the real engine core, the same command line reads the same and exits
 * the same either way - output, pull messages, create and start failures, --rm.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../engine/engine.ts';
import { layoutWithBox } from '../core/support/shipped.ts';
import { makeHost, type TestHost } from '../core/support/test-host.ts';
import type { Layout } from '../core/support/oci-fixtures.ts';
import { docker } from './fake-engine.ts';

let layout: Layout;
const hosts: TestHost[] = [];
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

/** A fresh engine, and the Engine calls the CLI made on it. */
function engine(oneCall: boolean): { engine: Engine; calls: string[] } {
  const h = makeHost({ layout });
  hosts.push(h);
  const calls: string[] = [];
  const counted = (name: string, fn: (...a: never[]) => Promise<unknown>) => (...a: never[]) => (calls.push(name), fn(...a));
  const e: Engine = {
    ...h.engine,
    createContainer: counted('createContainer', h.engine.createContainer) as Engine['createContainer'],
    startContainer: counted('startContainer', h.engine.startContainer) as Engine['startContainer'],
    run: oneCall ? (counted('run', h.engine.run!) as Engine['run']) : undefined,
  };
  return { engine: e, calls };
}

async function both(setup: string[], line: string) {
  const results = [];
  for (const oneCall of [true, false]) {
    const e = engine(oneCall);
    for (const s of setup) await docker(e.engine, s);
    e.calls.length = 0;
    results.push({ ...(await docker(e.engine, line)), calls: e.calls });
  }
  // Container IDs differ between the two engines.
  const same = (r: { status: number; stdout: string; stderr: string }) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/[0-9a-f]{64}/g, '<id>') });
  return { one: same(results[0]), four: same(results[1]), oneCalls: results[0].calls, fourCalls: results[1].calls };
}

describe('docker run in one Engine call', () => {
  it('pulls a missing image, prints the output and exits with the status, as the four calls do', async () => {
    const r = await both([], "docker run --name first box sh -c 'echo hello; echo oops >&2; exit 3'");
    expect(r.one).toMatchObject({ status: 3, stdout: 'hello\n' });
    expect(r.one.stderr).toMatch(/^Unable to find image 'box:latest' locally\n/);
    expect(r.one).toEqual(r.four);
    // The retry after the pull is a second run: the first failed before anything was created.
    expect(r.oneCalls).toEqual(['run', 'run']);
    expect(r.fourCalls).toEqual(['createContainer', 'createContainer', 'startContainer']);
  });

  it('--rm: the container is gone when the run returns', async () => {
    for (const oneCall of [true, false]) {
      const e = engine(oneCall);
      await docker(e.engine, 'docker pull -q box');
      expect(await docker(e.engine, 'docker run --rm box echo hi')).toEqual({ status: 0, stdout: 'hi\n', stderr: '' });
      expect((await docker(e.engine, 'docker ps -aq')).stdout).toBe('');
    }
  });

  it('a create failure reads as docker says, with the help line, and exits 125', async () => {
    const r = await both([], 'docker run --pull never box echo hi');
    expect(r.one.status).toBe(125);
    expect(r.one.stderr).toMatch(/^docker: Error response from daemon: .+\.\nSee 'docker run --help'\.\n$/);
    expect(r.one).toEqual(r.four);
  });

  it('a start failure (a program not in the image) reads and exits as with the four calls', async () => {
    const r = await both(['docker pull -q box'], 'docker run box /no/such/program');
    expect(r.one.status).toBe(127);
    expect(r.one.stderr).toContain('/no/such/program');
    expect(r.one).toEqual(r.four);
  });

  it('a name already in use fails at create, before anything runs', async () => {
    const r = await both(['docker pull -q box', 'docker create --name taken box'], 'docker run --name taken box echo hi');
    expect(r.one.status).toBe(125);
    expect(r.one.stderr).toMatch(/Conflict. The container name "\/taken" is already in use/);
    expect(r.one).toEqual(r.four);
  });
});
