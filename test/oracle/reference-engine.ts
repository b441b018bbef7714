/**
 * The real Docker Engine (Debian's docker.io) as the oracle's reference: dockerd in a network
 * namespace of its own, with its own data root, exec root, pid file and unix socket under `dir`. Its
 * bridge (docker0), iptables rules and docker-proxy listeners are the namespace's, so `-p` and user
 * networks behave as Docker's while nothing of them reaches the machine's own network. Entered
 * with nsenter, not `ip netns exec`: the latter also remounts /sys in a new mount namespace, which
 * hides the cgroup mounts dockerd needs. `stop` removes its containers, ends it and deletes the
 * namespace - called on failure too.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOX_CONFIG_CHANGES, busyboxRootfs } from './busybox-image.ts';
import { dockerCli } from './docker-cli.ts';

export interface ReferenceEngine {
  socket: string;
  stop(): Promise<void>;
}

export async function startReferenceEngine(dir: string): Promise<ReferenceEngine> {
  const netns = `dockyard-oracle-${process.pid}`;
  const socket = join(dir, 'docker.sock');
  mkdirSync(dir, { recursive: true });
  execFileSync('ip', ['netns', 'add', netns]);
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const ids = (await dockerCli(socket, dir, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await dockerCli(socket, dir, ['rm', '-f', ...ids]);
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child!.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    // Its bridge driver bind-mounts network namespaces under the exec root and leaves them mounted.
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '');
    for (const m of mounts.filter((m) => m.startsWith(`${join(dir, 'exec')}/`)).reverse()) execFileSync('umount', ['-l', m]);
    execFileSync('ip', ['netns', 'delete', netns]);
  };
  try {
    execFileSync('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']);
    const args = [
      `--net=/run/netns/${netns}`, 'dockerd',
      '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'dockerd.pid'),
      '-H', `unix://${socket}`, '--ip6tables=false',
    ];
    child = spawn('nsenter', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
    const started = child;
    // Bounded: 120 tries, 0.5 s apart, on a loaded machine dockerd needs a few seconds.
    for (let i = 0; ; i++) {
      if (started.exitCode !== null) throw new Error(`dockerd exited with ${started.exitCode}:\n${log}`);
      if ((await dockerCli(socket, dir, ['version', '--format', '{{.Server.Version}}'])).code === 0) break;
      if (i === 120) throw new Error(`dockerd did not answer on ${socket}:\n${log}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const tar = join(dir, 'busybox-rootfs.tar');
    writeFileSync(tar, busyboxRootfs());
    const imported = await dockerCli(socket, dir, ['import', ...BOX_CONFIG_CHANGES, tar, 'box:latest']);
    if (imported.code !== 0) throw new Error(`docker import: ${imported.stderr}`);
    return { socket, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
