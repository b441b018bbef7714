import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The docker 28 CLI against `unix://socket`, with an empty config and HOME in `home`. */
export function dockerCli(socket: string, home: string, args: string[], options: { input?: string; cwd?: string } = {}): Promise<CliResult> {
  const config = join(home, 'docker-config');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'config.json'), '{}');
  return new Promise((resolve) => {
    const p = execFile(
      '/usr/local/bin/docker',
      args,
      { cwd: options.cwd ?? home, env: { PATH: process.env.PATH, HOME: home, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: config }, maxBuffer: 64 << 20, timeout: 120_000 },
      (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    p.stdin!.end(options.input);
  });
}
