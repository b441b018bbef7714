/**
 * Flags of `docker run` this engine cannot honour yet, sent by the real docker CLI (28.x): each is
 * refused with its reason and creates nothing - never accepted and ignored. Its defaults pass.
 */
import { describe, expect, it } from 'vitest';
import { useDockerCli } from './support/real-docker-cli.ts';

const cli = useDockerCli();

describe('docker run flags refused, not ignored', { timeout: 60_000 }, () => {
  it('-u, --read-only, --restart, --cpus, --pids-limit, --init, --tmpfs; root and the defaults run', async () => {
    expect((await cli.docker(['pull', '-q', 'box'])).code).toBe(0);
    const refused: Array<[string[], string]> = [
      [['-u', 'nobody'], '--user nobody: this engine runs every process as root (WebAssembly programs have no users); leave -u out or use -u root'],
      [['--read-only'], "--read-only is not supported by this engine: a container's root file system is always writable here"],
      [['--restart', 'always'], '--restart always is not supported by this engine: containers are not restarted when they exit'],
      [['--restart', 'on-failure:3'], '--restart on-failure is not supported by this engine: containers are not restarted when they exit'],
      [['--cpus', '0.5'], '--cpus is not supported by this engine: there is no CPU limit for a container here'],
      [['--pids-limit', '10'], '--pids-limit is not supported by this engine: WebAssembly programs start no processes of their own'],
      [['--init'], '--init is not supported by this engine: there is no init process to add'],
      [['--tmpfs', '/scratch'], '--tmpfs is not supported by this engine: use a volume (-v /path) for scratch space'],
    ];
    for (const [flags, message] of refused) {
      // Without --rm: the CLI itself refuses --restart with --rm. Nothing is created anyway.
      const r = await cli.docker(['run', ...flags, 'box', 'true']);
      expect([r.code, r.stderr], flags.join(' ')).toEqual([125, `docker: Error response from daemon: ${message}\n\nRun 'docker run --help' for more information\n`]);
    }
    expect((await cli.docker(['ps', '-aq'])).stdout).toBe('');
    for (const flags of [['-u', 'root'], ['-u', '0:0'], ['--restart', 'no']]) {
      expect(await cli.docker(['run', '--rm', ...flags, 'box', 'echo', 'ran']), flags.join(' ')).toMatchObject({ code: 0, stdout: 'ran\n' });
    }
  });
});
