/** `docker update --memory` over the real engine core: Docker's checks, the limit a run then gets, a running container's warning. */
import { describe, expect, it } from 'vitest';
import { boxHosts } from '../core/support/box-hosts.ts';
import { docker } from './fake-engine.ts';

const hosts = boxHosts();

describe('docker update', () => {
  it('changes the limit the next start uses, with the checks and words of Docker', async () => {
    const h = await hosts.host({ pulled: true });
    await docker(h.engine, 'docker create --name capped -m 64m box');
    expect(await docker(h.engine, 'docker update -m 100m capped')).toEqual({ status: 0, stdout: 'capped\n', stderr: '' });
    expect((await docker(h.engine, "docker inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' capped")).stdout).toBe('104857600 134217728\n');
    expect((await docker(h.engine, 'docker update -m 256m capped')).stderr).toMatch(/^Error response from daemon: Cannot update container [0-9a-f]{64}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time\n$/);
    expect((await docker(h.engine, 'docker update -m 1m capped')).stderr).toBe('Error response from daemon: Minimum memory limit allowed is 6MB\n');
    expect((await docker(h.engine, 'docker update -m 64m --memory-swap 32m capped')).stderr).toBe('Error response from daemon: Minimum memoryswap limit should be larger than memory limit, see usage\n');
    expect((await docker(h.engine, 'docker update capped')).stderr).toBe('you must provide one or more flags when using this command\n');
    expect(await docker(h.engine, 'docker update -m 90m capped nosuch')).toEqual({ status: 1, stdout: 'capped\n', stderr: 'Error response from daemon: No such container: nosuch\n' });
    // The next run of it gets the new cap: a process is capped when it starts.
    const started: number[] = [];
    const start = h.ports.runtime.start.bind(h.ports.runtime);
    h.ports.runtime.start = async (key, spec, io) => {
      started.push(spec.memoryBytes ?? 0);
      return start(key, spec, io);
    };
    expect((await docker(h.engine, 'docker start -a capped')).status).toBe(0);
    expect(started).toEqual([90 * 1024 * 1024]);
  });

  it('a running container keeps its limit until it starts again, and says so', async () => {
    const h = await hosts.host({ pulled: true });
    await docker(h.engine, 'docker run -d --name live -m 64m box sleep 30');
    const r = await docker(h.engine, 'docker update -m 32m live');
    expect(r).toEqual({ status: 0, stdout: "live\nlive runs with its old memory limit until it starts again: this engine sets a process's memory when it starts\n", stderr: '' });
    await docker(h.engine, 'docker kill live');
  });
});
