/**
 * The real docker CLI (28.x, client only, installed on these machines) against our Engine API on
 * loopback, with DOCKER_API_VERSION unset so it negotiates from our ping: a test file calls
 * `useDockerCli()` once; the API host and a fresh HOME live for that file.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startApiHost, type ApiHost } from './api-host.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DockerCli {
  /** The CLI's HOME (its config lives in HOME/.docker); set once the file's tests start. */
  readonly home: string;
  docker(args: string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<CliResult>;
}

export function useDockerCli(): DockerCli {
  let api: ApiHost;
  let home = '';
  beforeAll(async () => {
    api = await startApiHost();
    home = mkdtempSync(join(tmpdir(), 'dockyard-cli-'));
  });
  afterAll(async () => {
    await api.dispose();
    rmSync(home, { recursive: true, force: true });
  });
  return {
    get home() {
      return home;
    },
    docker(args, options = {}) {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: join(home, '.docker'), DOCKER_HOST: `tcp://127.0.0.1:${api.listener.port}`, ...options.env };
      return new Promise((resolve) => {
        const child = execFile('docker', args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        });
        child.stdin?.end(options.stdin ?? '');
      });
    },
  };
}
