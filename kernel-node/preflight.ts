import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * What the kernel service needs from the machine, each missing piece with the exact fix.
 * Returns the problems (empty when everything is there).
 */
export async function preflight(runc = 'runc'): Promise<string[]> {
  const problems: string[] = [];
  if (process.platform !== 'linux') return [`the kernel service runs on Linux only (this is ${process.platform})`];
  if (process.getuid?.() !== 0) problems.push('it must run as root (overlay mounts, runc and cgroups need it): sudo npm run kernel');
  const filesystems = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  if (!/\boverlay\b/.test(filesystems)) problems.push('overlayfs is not available: modprobe overlay (kernel module "overlay")');
  try {
    const { stdout } = await run(runc, ['--version']);
    if (!/runc version/.test(stdout)) problems.push(`${runc} --version did not report runc: install Debian's runc (apt-get install runc); crun does not work with these hybrid cgroups`);
  } catch {
    problems.push(`runc not found (${runc}): apt-get install runc`);
  }
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  if (!/ \/sys\/fs\/cgroup\/memory cgroup /.test(mounts) && !/ \/sys\/fs\/cgroup cgroup2 /.test(mounts)) problems.push('no memory cgroup is mounted at /sys/fs/cgroup/memory (cgroups v1) or /sys/fs/cgroup (v2)');
  // ip: containers' network namespaces, veths and bridges (kernel-node/net/).
  const tools: Record<string, string> = { mount: 'util-linux', umount: 'util-linux', ldd: 'libc-bin', getfattr: 'attr', ip: 'iproute2' };
  for (const [tool, pkg] of Object.entries(tools)) {
    try {
      await run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      problems.push(`${tool} not found: apt-get install ${pkg}`);
    }
  }
  return problems;
}
