/** `docker stats --no-stream` over the real engine core, with a host measure the test controls. */
import { describe, expect, it } from 'vitest';
import type { ContainerUsage } from '../../../engine/ports.ts';
import { boxHosts } from '../core/support/box-hosts.ts';
import { docker } from './fake-engine.ts';

const hosts = boxHosts();

describe('docker stats --no-stream', () => {
  it("computes docker's figures from two samples of the host's measure", async () => {
    const h = await hosts.host({ pulled: true });
    expect((await docker(h.engine, 'docker run -d --name live box sleep 30')).status).toBe(0);
    // Each sample is a second after the one before, on the engine's clock; 0.5 s of CPU between them.
    const samples: ContainerUsage[] = [
      { memoryBytes: 64 << 20, cpuNanos: 2e9, pids: 1 },
      { memoryBytes: 64 << 20, cpuNanos: 2.5e9, pids: 2 },
    ];
    h.ports.runtime.usage = async () => {
      h.clock.now += 1000;
      return samples.shift();
    };
    const r = await docker(h.engine, 'docker stats --no-stream live');
    expect(r.stderr).toBe('');
    const [header, line, end] = r.stdout.split('\n');
    expect(header).toBe('CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS');
    expect(line).toMatch(/^[0-9a-f]{12}   live      50\.00%    64MiB \/ 4GiB        1\.56%     0B \/ 0B   0B \/ 0B     2$/);
    expect(end).toBe('');
    await docker(h.engine, 'docker kill live');
  });

  it("a stopped container gets Docker's zeros; --format; a host that cannot measure says so", async () => {
    const h = await hosts.host({ pulled: true });
    await docker(h.engine, 'docker create --name idle box');
    expect((await docker(h.engine, 'docker stats --no-stream idle')).stdout.split('\n')[1]).toMatch(/^[0-9a-f]{12}   idle      0\.00%     0B \/ 0B             0\.00%     0B \/ 0B   0B \/ 0B     0$/);
    expect((await docker(h.engine, "docker stats --no-stream --format '{{.Name}}: {{.MemUsage}} {{.PIDs}}' idle")).stdout).toBe('idle: 0B / 0B 0\n');
    expect((await docker(h.engine, 'docker stats --no-stream -a --format {{.Name}}')).stdout).toBe('idle\n');
    expect((await docker(h.engine, 'docker stats --no-stream')).stdout).toBe('CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS\n');
    expect((await docker(h.engine, 'docker stats idle')).stderr).toBe('docker stats: the live view is not supported by this terminal yet: use docker stats --no-stream\n');
    await docker(h.engine, 'docker run -d --name live box sleep 30');
    expect((await docker(h.engine, 'docker stats --no-stream live')).stderr).toBe("Error response from daemon: this engine cannot measure its containers' memory and CPU use yet\n");
    expect((await docker(h.engine, 'docker stats --no-stream nosuch')).stderr).toBe('Error response from daemon: No such container: nosuch\n');
    await docker(h.engine, 'docker kill live');
  });
});
