/**
 * `docker run --rm hello-world` on the kernel service: through the docker CLI, through the Engine
 * API in-process (what the service does per request), next to bare `runc run` of a static native
 * hello-world measured in the same run. Median of N (default 20). Root + runc + gcc + docker CLI.
 *
 * Then where the time goes, each step adding one thing to the one before (medians of N):
 *   1. bare runc: runc's default spec, a static binary;
 *   2. runc with our bundle (overlay root, runtime binds, masked paths, cgroups, seccomp), the same
 *      static binary - what our container costs before any program of ours runs;
 *   3. the same bundle running `node -e 0` - Node's own start;
 *   4. the runtime port (RuncRuntime.start) running hello.wasm - the runner: load, module, WASI;
 *   5. the Engine API - records, logs, snapshot prepare and removal around it.
 * Steps 1-5 run without a warm spare (a kernel host with `spare: false`). Then the same Engine API
 * run on a host that keeps one (kernel-node/runtime/spare-container.ts): once when the spare is waiting
 * (the run that follows a pause), once right after another run ended (the spare boots only once
 * runs pause, so that run takes the normal path), and how long after a run ends the next spare is
 * ready (the pause the runtime waits for, then the boot). The docker CLI's service keeps a spare (its default).
 * Each round takes every measure once (the docker CLI's too), so load that comes and goes on a
 * shared machine shifts them all alike.
 *
 *   npx tsx bench/kernel-run.ts [N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../engine/oci/digest.ts';
import { writeTar } from '../engine/tar/tar-writer.ts';
import { openKernelHost } from '../kernel-node/kernel-host.ts';
import { bundleConfig } from '../kernel-node/runtime/oci-spec.ts';
import { OverlaySnapshotter } from '../kernel-node/store/overlay-snapshotter.ts';
import { RUNNER_NODE_FLAGS, runcId } from '../kernel-node/runtime/runc-runtime.ts';
import { startService } from '../test/kernel/service.ts';
import { tempDir } from '../test/kernel/harness.ts';
import { writeBuiltinLayouts } from '../test/kernel/layouts.ts';
import { median } from './support.ts';

const N = Number(process.argv[2] ?? 20);
const dir = tempDir('dockyard-bench-');
const repo = fileURLToPath(new URL('..', import.meta.url));

function timed(n: number, fn: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function timedAsync(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

function runcRun(root: string, bundle: string, id: string): void {
  const r = spawnSync('runc', ['--root', root, 'run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`runc run ${id}: ${r.status} ${r.stderr}`);
}

// 1. Baseline: bare runc, static native binary, same namespaces as runc's default spec.
const bare = join(dir, 'bare');
mkdirSync(join(bare, 'rootfs'), { recursive: true });
writeFileSync(join(bare, 'h.c'), '#include <stdio.h>\nint main(void){puts("Hello from a static binary");return 0;}\n');
execFileSync('gcc', ['-static', '-O2', '-o', join(bare, 'rootfs', 'hello'), join(bare, 'h.c')]);
execFileSync('runc', ['spec'], { cwd: bare });
const spec = JSON.parse(readFileSync(join(bare, 'config.json'), 'utf8'));
spec.process.args = ['/hello'];
spec.process.terminal = false;
writeFileSync(join(bare, 'config.json'), JSON.stringify(spec));

// 2-5 on one kernel host (the service's stores and runtime, in process).
await writeBuiltinLayouts(join(dir, 'svc', 'layouts'));
const host = await openKernelHost({ dataRoot: join(dir, 'api-root'), imagesDir: join(dir, 'svc', 'layouts'), spare: false });
const { runtime, data } = host;
const warmHost = await openKernelHost({ dataRoot: join(dir, 'warm-root'), imagesDir: join(dir, 'svc', 'layouts') });
// The same directories as the host's own snapshotter (a second instance over the data root).
const snaps = new OverlaySnapshotter(data, host.ports.blobs);
const helloWasm = readFileSync(join(repo, 'images', 'hello-world', 'hello.wasm'));
const tar = writeTar([
  { type: 'file', path: 'native-hello', mode: 0o755, content: readFileSync(join(bare, 'rootfs', 'hello')) },
  { type: 'file', path: 'hello', mode: 0o755, content: helloWasm },
]);
const layer = sha256(tar);
await host.ports.blobs.put({ digest: layer, size: tar.length }, tar);
await snaps.prepare('bench-steps', [layer]);
const overlay = await snaps.overlay('bench-steps');
function bundleFor(name: string, args: string[]): string {
  const bundle = join(dir, name);
  mkdirSync(bundle, { recursive: true });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(bundleConfig({ runtime: runtime.root, overlay, hostname: 'bench', volumes: [], cgroupsPath: `/dockyard/${runcId('bench-steps')}`, args })));
  return bundle;
}
const staticBundle = bundleFor('bundle-static', ['/rootfs/native-hello']);
const nodeBundle = bundleFor('bundle-node', ['/usr/bin/node', ...RUNNER_NODE_FLAGS, '-e', '0']);
const engine = host.engine;
await engine.pull('hello-world');
await warmHost.engine.pull('hello-world');
// The docker CLI against the service (a separate process, as users run it).
const svc = await startService(join(dir, 'svc'));
await svc.docker(['pull', 'hello-world']);

// Rounds: each takes every measure once, so a machine getting busier or quieter shifts all alike.
const runcTimes: number[] = [];
const ourBundleTimes: number[] = [];
const nodeTimes: number[] = [];
const portTimes: number[] = [];
const apiTimes: number[] = [];
const firstOutput: number[] = [];
const cliTimes: number[] = [];
const warmTimes: number[] = [];
const warmFirst: number[] = [];
const backToBack: number[] = [];
const spareAfter: number[] = [];
const sparesUsed = { warm: 0, backToBack: 0 };

/** One `docker run --rm hello-world` through the Engine API in process: total and first output (ms), and its container ID. */
async function apiRun(e: typeof engine): Promise<{ total: number; first: number; id: string }> {
  const t = performance.now();
  const { Id } = await e.createContainer({ Image: 'hello-world', HostConfig: { AutoRemove: true } });
  let first = 0;
  await e.attachContainer(Id, { stdout: true, stderr: true, onOutput: () => (first ||= performance.now() - t) });
  const waited = e.waitContainer(Id, 'removed');
  await e.startContainer(Id);
  const w = await waited;
  if (w.StatusCode !== 0 || !first) throw new Error(`hello-world through the Engine API: ${JSON.stringify(w)}`);
  return { total: performance.now() - t, first, id: Id };
}
/** Whether a run got the spare: the ID it was created with is the one the spare was booted for. */
const spareIds = () => new Set(readdirSync(warmHost.data.spares));

for (let i = 0; i < N; i++) {
  runcTimes.push(...timed(1, () => runcRun(join(dir, 'runc-state'), bare, `bench-${i}`)));
  ourBundleTimes.push(...timed(1, () => runcRun(data.runcState, staticBundle, runcId('bench-steps'))));
  nodeTimes.push(...timed(1, () => runcRun(data.runcState, nodeBundle, runcId('bench-steps'))));
  portTimes.push(
    ...(await timedAsync(1, async () => {
      let out = 0;
      const p = await runtime.start('bench-steps', { args: ['/hello'], env: ['PATH=/'], cwd: '/', hostname: 'bench', tty: false, openStdin: false, mounts: [] }, { stdout: (d) => (out += d.length), stderr: () => undefined });
      const exit = await p.exited;
      if (exit.exitCode !== 0 || !out) throw new Error(`hello.wasm through the runner: ${JSON.stringify(exit)}`);
    })),
  );
  const cold = await apiRun(engine);
  apiTimes.push(cold.total);
  firstOutput.push(cold.first);
  // With a warm spare: wait until it is ready (a run after a pause), run, then at once another.
  await warmHost.runtime.spareReady();
  const before = spareIds();
  const warm = await apiRun(warmHost.engine);
  if (before.has(warm.id)) sparesUsed.warm++;
  warmTimes.push(warm.total);
  warmFirst.push(warm.first);
  const beforeNext = spareIds();
  const next = await apiRun(warmHost.engine);
  if (beforeNext.has(next.id)) sparesUsed.backToBack++;
  backToBack.push(next.total);
  const ended = performance.now();
  await warmHost.runtime.spareReady();
  spareAfter.push(performance.now() - ended);
  cliTimes.push(
    ...(await timedAsync(1, async () => {
      const r = await svc.docker(['run', '--rm', 'hello-world']);
      if (r.code !== 0) throw new Error(r.stderr);
    })),
  );
  // The service boots its next spare after that run (~150 ms of CPU on a quiet machine): let it
  // finish, or it runs beside the next round's baseline and makes bare runc look slower.
  await new Promise((r) => setTimeout(r, 600));
}
await snaps.remove('bench-steps');
await host.close();
await warmHost.close();
await svc.stop();
rmSync(dir, { recursive: true, force: true });

const base = median(runcTimes);
const f = (ms: number) => `${ms.toFixed(0)} ms`;
const x = (ms: number) => `${(ms / base).toFixed(1)}x`;
console.log(`\n| run hello-world (median of ${N}) | time | vs bare runc |\n|---|---|---|`);
console.log(`| bare \`runc run\`, static native hello (baseline) | ${f(base)} | 1.0x |`);
console.log(`| Engine API in-process, warm spare waiting: create+attach+start+wait(removed) | ${f(median(warmTimes))} | ${x(median(warmTimes))} |`);
console.log(`|   of which: time to first output | ${f(median(warmFirst))} | |`);
console.log(`| Engine API in-process, spare disabled | ${f(median(apiTimes))} | ${x(median(apiTimes))} |`);
console.log(`|   of which: time to first output | ${f(median(firstOutput))} | |`);
console.log(`| Engine API in-process, right after another run (no spare: it boots once runs pause) | ${f(median(backToBack))} | ${x(median(backToBack))} |`);
console.log(`| \`docker run --rm hello-world\` (CLI over the unix socket, service with its spare) | ${f(median(cliTimes))} | ${x(median(cliTimes))} |`);
console.log(`\nruns that got the spare: ${sparesUsed.warm}/${N} after a pause, ${sparesUsed.backToBack}/${N} right after a run`);
console.log(`the next spare is ready ${f(median(spareAfter))} after a run ends (median; min ${f(Math.min(...spareAfter))}, max ${f(Math.max(...spareAfter))})`);

const steps: Array<[string, number]> = [
  ['1. bare runc, static hello', base],
  ['2. runc with our bundle (overlay, binds, cgroups, seccomp), static hello', median(ourBundleTimes)],
  ['3. our bundle running Node (`node -e 0`)', median(nodeTimes)],
  ['4. runtime port: the runner on hello.wasm', median(portTimes)],
  ['5. Engine API: records, logs, snapshot around it', median(apiTimes)],
];
const warmSteps: Array<[string, number]> = [
  ['1. bare runc, static hello', base],
  ['6. Engine API with the warm spare (mounts at the go, the runner from its spec on)', median(warmTimes)],
];
console.log(`\n| where the time goes (median of ${N}) | total | step adds |\n|---|---|---|`);
let previous = 0;
for (const [name, ms] of steps) {
  console.log(`| ${name} | ${f(ms)} | ${previous ? `${ms - previous >= 0 ? '+' : ''}${f(ms - previous)}` : ''} |`);
  previous = ms;
}
previous = 0;
for (const [name, ms] of warmSteps) {
  console.log(`| ${name} | ${f(ms)} | ${previous ? `${ms - previous >= 0 ? '+' : ''}${f(ms - previous)}` : ''} |`);
  previous = ms;
}
