/**
 * Healthchecks through the Engine API with the real docker CLI (28.x) as the client: its
 * `--health-*` flags reach Config.Healthcheck, `ps` shows the health after "Up ...",
 * `--filter health=` is answered by the API, `inspect` has State.Health, and --stop-signal
 * arrives as Config.StopSignal.
 */
import { describe, expect, it } from 'vitest';
import { useDockerCli } from '../docker-api/support/real-docker-cli.ts';

const cli = useDockerCli();
const docker = cli.docker;

/** Poll (bounded: 400 x 100 ms) until `inspect -f` of `name` prints `want`. */
async function until(name: string, template: string, want: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 400; i++) {
    last = (await docker(['inspect', '-f', template, name])).stdout;
    if (last === want) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name}: ${template} stayed ${JSON.stringify(last)}`);
}

describe('healthchecks with the docker CLI', { timeout: 60_000 }, () => {
  it('--health-* flags, ps STATUS, --filter health=, inspect; --stop-signal', async () => {
    const run = await docker(['run', '-d', '--name', 'hc', '--health-cmd', 'echo fine', '--health-interval', '50ms', '--health-retries', '2', '--stop-signal', 'SIGINT', 'box', 'sleep', '1000']);
    expect(run.code, run.stderr).toBe(0);
    expect((await docker(['inspect', '-f', '{{json .Config.Healthcheck}} {{.Config.StopSignal}}', 'hc'])).stdout).toBe(
      '{"Test":["CMD-SHELL","echo fine"],"Interval":50000000,"Retries":2} SIGINT\n',
    );
    await until('hc', '{{.State.Health.Status}}', 'healthy\n');
    expect((await docker(['ps', '--format', '{{.Names}} {{.Status}}'])).stdout).toMatch(/^hc Up .+ \(healthy\)\n$/);
    expect((await docker(['ps', '--filter', 'health=healthy', '--format', '{{.Names}}'])).stdout).toBe('hc\n');
    expect((await docker(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}}'])).stdout).toBe('');
    const bogus = await docker(['ps', '--filter', 'health=bogus']);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toContain('Unrecognised filter value for health: bogus');
    expect((await docker(['inspect', '-f', '{{with index .State.Health.Log 0}}{{.ExitCode}} {{printf "%q" .Output}}{{end}}', 'hc'])).stdout).toBe('0 "fine\\n"\n');
    const refused = await docker(['run', '-d', '--health-cmd', 'true', '--health-interval', '100us', 'box']);
    expect(refused.code).toBe(125);
    expect(refused.stderr).toContain('Interval in Healthcheck cannot be less than 1ms');
    expect((await docker(['rm', '-f', 'hc'])).code).toBe(0);
  });
});
