/**
 * `docker run --rm hello-world` on the kernel service: through the docker CLI, through the Engine
 * API in-process (what the service does per request), next to bare `runc run` of a static native
 * hello-world measured in the same run. Median of N (default 20). Root + runc + gcc + docker CLI.
 *
 *   npx tsx bench/kernel-run.ts [N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openKernelHost } from '../kernel-node/kernel-host.ts';
import { startService } from '../test/kernel/service.ts';
import { tempDir } from '../test/kernel/harness.ts';

const N = Number(process.argv[2] ?? 20);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = tempDir('dockyard-bench-');

// Baseline: bare runc, static native binary, same namespaces as runc's default spec.
const bare = join(dir, 'bare');
mkdirSync(join(bare, 'rootfs'), { recursive: true });
writeFileSync(join(bare, 'h.c'), '#include <stdio.h>\nint main(void){puts("Hello from a static binary");return 0;}\n');
execFileSync('gcc', ['-static', '-O2', '-o', join(bare, 'rootfs', 'hello'), join(bare, 'h.c')]);
execFileSync('runc', ['spec'], { cwd: bare });
const spec = JSON.parse(execFileSync('cat', [join(bare, 'config.json')]).toString());
spec.process.args = ['/hello'];
spec.process.terminal = false;
writeFileSync(join(bare, 'config.json'), JSON.stringify(spec));
const runcTimes: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  spawnSync('runc', ['--root', join(dir, 'runc-state'), 'run', '--bundle', bare, `bench-${i}`], { stdio: 'ignore' });
  runcTimes.push(performance.now() - t);
}

const svc = await startService(join(dir, 'svc'));
await svc.docker(['pull', 'hello-world']);
const cliTimes: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  const r = await svc.docker(['run', '--rm', 'hello-world']);
  cliTimes.push(performance.now() - t);
  if (r.code !== 0) throw new Error(r.stderr);
}
await svc.stop();

const host = await openKernelHost({ dataRoot: join(dir, 'api-root'), imagesDir: join(dir, 'svc', 'layouts') });
const engine = host.engine;
await engine.pull('hello-world');
const apiTimes: number[] = [];
const firstOutput: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  const { Id } = await engine.createContainer({ Image: 'hello-world', HostConfig: { AutoRemove: true } });
  let first = 0;
  await engine.attachContainer(Id, { stdout: true, stderr: true, onOutput: () => (first ||= performance.now() - t) });
  const waited = engine.waitContainer(Id, 'removed');
  await engine.startContainer(Id);
  await waited;
  apiTimes.push(performance.now() - t);
  firstOutput.push(first);
}
await host.close();
rmSync(dir, { recursive: true, force: true });

const f = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(`\n| run hello-world (median of ${N}) | time | vs bare runc |\n|---|---|---|`);
console.log(`| bare \`runc run\`, static native hello (baseline) | ${f(median(runcTimes))} | 1.0x |`);
console.log(`| Engine API in-process: create+attach+start+wait(removed) | ${f(median(apiTimes))} | ${(median(apiTimes) / median(runcTimes)).toFixed(1)}x |`);
console.log(`|   of which: time to first output | ${f(median(firstOutput))} | |`);
console.log(`| \`docker run --rm hello-world\` (CLI over the unix socket) | ${f(median(cliTimes))} | ${(median(cliTimes) / median(runcTimes)).toFixed(1)}x |`);
