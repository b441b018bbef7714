/**
 * What the kernel service's network (kernel-node/net/, issue 17) costs a run: `run --rm
 * hello-world` through the Engine API in process, with the NetworkDriver and without it (the
 * baseline: the host's ports without `network`, as before issue 17 - runc makes a bare namespace),
 * on the default bridge, on `none` and with a published port; once on a host without a warm spare
 * (the normal path: the namespace is made at attach) and once with the spare waiting (its
 * namespace was made at its boot). Then the driver alone: attach + detach of one endpoint on the
 * default bridge (its `ip` processes), and of one with a published port (the proxy's start).
 * Rounds alternate every measure, so load that comes and goes on a shared machine shifts them alike.
 *
 *   npx tsx bench/kernel-network.ts [N]    (root, runc, iproute2, a C compiler)
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ContainerCreate, Engine } from '../engine/engine.ts';
import type { ContainerNetwork } from '../engine/ports.ts';
import { openKernelHost, type KernelHost } from '../kernel-node/kernel-host.ts';
import { tempDir } from '../test/kernel/harness.ts';
import { writeBuiltinLayouts } from '../test/kernel/layouts.ts';
import { median } from './support.ts';

const N = Number(process.argv[2] ?? 15);
const dir = tempDir('dockyard-bench-net-');
await writeBuiltinLayouts(join(dir, 'layouts'));
const cold = await openKernelHost({ dataRoot: join(dir, 'cold'), imagesDir: join(dir, 'layouts'), spare: false });
const warm = await openKernelHost({ dataRoot: join(dir, 'warm'), imagesDir: join(dir, 'layouts') });
await cold.engine.pull('hello-world');
await warm.engine.pull('hello-world');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** One `docker run --rm hello-world` (with these create options) through the Engine API; ms. */
async function run(e: Engine, more: Partial<ContainerCreate> = {}): Promise<number> {
  const t = performance.now();
  const { Id } = await e.createContainer({ Image: 'hello-world', ...more, HostConfig: { AutoRemove: true, ...more.HostConfig } });
  let out = 0;
  await e.attachContainer(Id, { stdout: true, stderr: true, onOutput: (_stream, d) => (out += d.length) });
  const waited = e.waitContainer(Id, 'removed');
  await e.startContainer(Id);
  const w = await waited;
  if (w.StatusCode !== 0 || !out) throw new Error(`hello-world: ${JSON.stringify(w)}`);
  return performance.now() - t;
}

/** A run with the host's NetworkDriver taken away for its duration (the baseline). */
async function withoutDriver(h: KernelHost, fn: () => Promise<number>): Promise<number> {
  const driver = h.ports.network;
  h.ports.network = undefined;
  try {
    return await fn();
  } finally {
    h.ports.network = driver;
  }
}

const rows = {
  coldBase: [] as number[],
  coldBridge: [] as number[],
  coldNone: [] as number[],
  coldPublish: [] as number[],
  warmBase: [] as number[],
  warmBridge: [] as number[],
  attach: [] as number[],
  attachPublish: [] as number[],
};
const endpoint: ContainerNetwork['endpoints'][number] = {
  networkId: (await cold.engine.inspectNetwork('bridge')).Id,
  networkName: 'bridge',
  driver: 'bridge',
  subnet: '172.17.0.0/16',
  gateway: '172.17.0.1',
  internal: false,
  address: '172.17.0.200',
  mac: '02:42:ac:11:00:c8',
  resolves: false,
};
const pause = () => new Promise((r) => setTimeout(r, 400));

try {
for (let i = 0; i < N; i++) {
  rows.coldBase.push(await withoutDriver(cold, () => run(cold.engine)));
  rows.coldBridge.push(await run(cold.engine));
  rows.coldNone.push(await run(cold.engine, { HostConfig: { NetworkMode: 'none' } }));
  const port = await freePort();
  rows.coldPublish.push(await run(cold.engine, { ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } } }));
  await warm.runtime.spareReady();
  rows.warmBase.push(await withoutDriver(warm, () => run(warm.engine)));
  await pause();
  await warm.runtime.spareReady();
  rows.warmBridge.push(await run(warm.engine));
  await pause();
  const id = `bench${i}`.padEnd(64, '0');
  let t = performance.now();
  await cold.network.attach(id, { endpoints: [endpoint], ports: [] });
  await cold.network.detach(id);
  rows.attach.push(performance.now() - t);
  const hostPort = await freePort();
  t = performance.now();
  await cold.network.attach(id, { endpoints: [endpoint], ports: [{ hostIp: '127.0.0.1', hostPort, containerPort: 80, protocol: 'tcp' }] });
  await cold.network.detach(id);
  rows.attachPublish.push(performance.now() - t);
}
} finally {
  await cold.close();
  await warm.close();
}
rmSync(dir, { recursive: true, force: true });

const f = (ms: number) => `${ms.toFixed(1)} ms`;
const line = (name: string, xs: number[], base?: number[]) => {
  const m = median(xs);
  console.log(`| ${name} | ${f(m)} | ${base ? `${m - median(base) >= 0 ? '+' : ''}${f(m - median(base))}` : '(baseline)'} |`);
};
console.log(`\n| run --rm hello-world, Engine API in process (median of ${N}) | time | vs baseline |\n|---|---|---|`);
line('no warm spare, no NetworkDriver (before issue 17)', rows.coldBase);
line('no warm spare, default bridge (namespace, veth, bridge)', rows.coldBridge, rows.coldBase);
line('no warm spare, --network none (namespace, lo up)', rows.coldNone, rows.coldBase);
line('no warm spare, default bridge + -p 127.0.0.1:PORT:80 (proxy)', rows.coldPublish, rows.coldBase);
line('warm spare waiting, no NetworkDriver', rows.warmBase);
line('warm spare waiting, default bridge (namespace and eth0 made at the spare boot)', rows.warmBridge, rows.warmBase);
console.log(`\n| the driver alone (median of ${N}) | time |\n|---|---|`);
console.log(`| attach + detach, one endpoint on the default bridge | ${f(median(rows.attach))} |`);
console.log(`| attach + detach, the same with one published port | ${f(median(rows.attachPublish))} |`);
