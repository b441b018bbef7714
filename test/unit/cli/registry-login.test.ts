/**
 * The CLI sends the host's login for a reference's registry with `push`, `pull` and the pull of
 * `run`, as the docker CLI sends its config's `auths` entry in X-Registry-Auth.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runDocker, type CliIO } from '../../../engine/cli/index.ts';
import type { Engine, RegistryAuth } from '../../../engine/engine.ts';
import { DistributionClient } from '../../../engine/registry/distribution-client.ts';
import { FakeRegistry } from '../core/support/fake-registry.ts';
import { layoutWithBox } from '../core/support/shipped.ts';
import { makeHost, type TestHost } from '../core/support/test-host.ts';

const hosts: TestHost[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

const LOGIN: RegistryAuth = { username: 'dockyard', password: 'the token' };

async function docker(engine: Engine, argv: string[], logins: Record<string, RegistryAuth>, asked: string[] = []) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    registryAuth(registry) {
      asked.push(registry);
      return logins[registry];
    },
  };
  const status = await runDocker(engine, argv, io);
  return { status, stdout, stderr };
}

describe('registry logins from the CLI host', () => {
  it('push, pull and run carry the login of the reference registry, and only it', async () => {
    const registry = new FakeRegistry({ auth: LOGIN });
    const layout = await layoutWithBox();
    const a = makeHost({ layout, registry: new DistributionClient({ fetch: registry.fetch }) });
    const b = makeHost({ layout, registry: new DistributionClient({ fetch: registry.fetch }) });
    hosts.push(a, b);
    const asked: string[] = [];
    expect((await docker(a.engine, ['pull', '-q', 'box'], {}, asked)).status).toBe(0);
    expect(asked).toEqual(['docker.io']);
    await a.engine.tag('box', 'localhost:5000/team/box:1');

    const refused = await docker(a.engine, ['push', 'localhost:5000/team/box:1'], { 'other:5000': LOGIN });
    expect(refused.status).toBe(1);
    expect(refused.stderr).not.toBe('');
    const pushed = await docker(a.engine, ['push', 'localhost:5000/team/box:1'], { 'localhost:5000': LOGIN }, asked);
    expect(pushed.stderr).toBe('');
    expect(pushed.status).toBe(0);
    expect(asked.at(-1)).toBe('localhost:5000');

    expect((await docker(b.engine, ['run', '--rm', 'localhost:5000/team/box:1', 'echo', 'hi'], {})).status).toBe(125);
    const ran = await docker(b.engine, ['run', '--rm', 'localhost:5000/team/box:1', 'echo', 'hi'], { 'localhost:5000': LOGIN });
    expect(ran.stdout).toBe('hi\n');
    expect(ran.status).toBe(0);
  });
});
