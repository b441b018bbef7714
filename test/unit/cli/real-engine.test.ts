/**
 * The CLI driving the real engine core (memory stores, Node's WASI runtime, the shipped box image):
 * what a learner types, what they read, and the exit statuses.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { layoutWithBox } from '../core/support/shipped.ts';
import { makeHost, type TestHost } from '../core/support/test-host.ts';
import type { Layout } from '../core/support/oci-fixtures.ts';
import { docker } from './fake-engine.ts';

let layout: Layout;
const hosts: TestHost[] = [];
beforeAll(async () => {
  layout = await layoutWithBox();
});
afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));

function host(): TestHost {
  const h = makeHost({ layout });
  hosts.push(h);
  return h;
}

describe('docker CLI on the real engine', () => {
  it('run pulls box on first use, prints the output and exits with the status', async () => {
    const h = host();
    const r = await docker(h.engine, "docker run --name first box sh -c 'echo hello; echo oops >&2; exit 3'");
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('hello\n');
    expect(r.stderr).toMatch(/^Unable to find image 'box:latest' locally\n/);
    expect(r.stderr).toMatch(/oops\n$/);
    const again = await docker(h.engine, 'docker run --rm box echo again');
    expect(again).toEqual({ status: 0, stdout: 'again\n', stderr: '' });
  });

  it('ps, inspect -f, logs, diff and rm on a finished container', async () => {
    const h = host();
    await docker(h.engine, 'docker pull -q box');
    const run = await docker(h.engine, "docker run --name web box sh -c 'echo hi > /greeting; echo done'");
    expect(run.status).toBe(0);
    const ps = await docker(h.engine, 'docker ps -a');
    const [header, row] = ps.stdout.split('\n');
    expect(header).toMatch(/^CONTAINER ID   IMAGE     COMMAND +CREATED +STATUS +PORTS     NAMES$/);
    // The engine's Command is the arguments joined by spaces, an argument with a space in single quotes, as Docker's daemon makes it.
    expect(row).toMatch(/^[0-9a-f]{12}   box       "sh -c 'echo hi > \/g…"   .+ago +Exited \(0\) .+web$/);
    // -s: the writable layer (the 3-byte /greeting) and the whole file system (the image too).
    const sized = (await docker(h.engine, 'docker ps -a -s')).stdout.split('\n');
    expect(sized[0]).toMatch(/ NAMES +SIZE$/);
    expect(sized[1]).toMatch(/ web +3B \(virtual \d+(\.\d+)?kB\)$/);
    expect((await docker(h.engine, "docker ps -a --format '{{.Names}} {{.Size}}'")).stdout).toMatch(/^web 3B \(virtual .+kB\)\n$/);
    expect((await docker(h.engine, "docker inspect -f '{{.State.ExitCode}} {{.Name}}' web")).stdout).toBe('0 /web\n');
    // This host's snapshots are in memory: GraphDriver names the engine's driver and has no directories.
    expect((await docker(h.engine, "docker inspect -f '{{.GraphDriver.Name}}={{.Driver}} {{json .GraphDriver.Data}}' web")).stdout).toBe('overlay2=overlay2 null\n');
    expect((await docker(h.engine, 'docker logs web')).stdout).toBe('done\n');
    expect((await docker(h.engine, 'docker diff web')).stdout).toContain('A /greeting\n');
    expect(await docker(h.engine, 'docker rm web')).toEqual({ status: 0, stdout: 'web\n', stderr: '' });
    const gone = await docker(h.engine, 'docker rm web');
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/^Error response from daemon: No such container: web\n$/);
  });

  it('a command that is not in the image exits 127 and says which', async () => {
    const h = host();
    await docker(h.engine, 'docker pull -q box');
    const r = await docker(h.engine, 'docker run box /no/such/program');
    expect(r.status).toBe(127);
    expect(r.stderr).toContain('/no/such/program');
  });

  it('images lists box with a size in decimal units; history shows its layers', async () => {
    const h = host();
    await docker(h.engine, 'docker pull -q box');
    const images = await docker(h.engine, 'docker images box');
    expect(images.stdout).toMatch(/^REPOSITORY   TAG       IMAGE ID       CREATED +SIZE\n/);
    expect(images.stdout).toMatch(/\nbox          latest    [0-9a-f]{12}   .+ago +[\d.]+[kMG]?B\n/);
    const history = await docker(h.engine, 'docker history box');
    expect(history.stdout.split('\n')[0]).toMatch(/^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$/);
  });

  it('run -i feeds stdin to the shell until end of input', async () => {
    const h = host();
    await docker(h.engine, 'docker pull -q box');
    const lines = ['echo one\n', 'echo two; exit 5\n'];
    const r = await docker(h.engine, 'docker run -i --rm box sh', {
      stdin: { read: async () => (lines.length ? new TextEncoder().encode(lines.shift()) : null) },
    });
    expect(r).toEqual({ status: 5, stdout: 'one\ntwo\n', stderr: '' });
  });

  it('exec runs in a running container', async () => {
    const h = host();
    await docker(h.engine, 'docker pull -q box');
    const started = await docker(h.engine, 'docker run -d --name svc box sleep 30');
    expect(started.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const r = await docker(h.engine, "docker exec svc sh -c 'echo inside; exit 4'");
    expect(r).toEqual({ status: 4, stdout: 'inside\n', stderr: '' });
    expect((await docker(h.engine, 'docker rm -f svc')).status).toBe(0);
  });

  it('volumes: create, ls, rm', async () => {
    const h = host();
    expect((await docker(h.engine, 'docker volume create data')).stdout).toBe('data\n');
    expect((await docker(h.engine, 'docker volume ls')).stdout).toBe('DRIVER    VOLUME NAME\nlocal     data\n');
    expect((await docker(h.engine, 'docker volume rm data')).stdout).toBe('data\n');
  });

  it('an unknown image reads as the daemon error', async () => {
    const h = host();
    const r = await docker(h.engine, 'docker run nope');
    expect(r.status).toBe(125);
    // Docker's lines, then the playground's one line naming the images its registry has (registry-hint.ts).
    expect(r.stderr).toMatch(/^Unable to find image 'nope:latest' locally\n(.*\n)*docker: Error response from daemon: .+\.\nSee 'docker run --help'\.\nThis playground's registry has no nope image; it has .*box.*\n$/);
  });
});
