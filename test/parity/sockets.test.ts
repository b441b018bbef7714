/**
 * Parity of traffic between containers (issues 16 and 17): box's httpd and nc on both engines -
 * the browser's virtual network (worker/net, the in-memory network in its hub) and the kernel's
 * real sockets in network namespaces (kernel-node/runner/kernel-sockets.ts, kernel-node/net). The
 * same requests by name and by address, the same refusals in the same words, the same request log
 * with the clients' addresses the model gave them.
 */
import { describe, expect } from 'vitest';
import { expectSame, useParity, type Both } from './parity-harness.ts';
import { parityIt } from './open-differences.ts';
import type { DockerResult } from './docker-result.ts';

const h = useParity(['box']);

const SERVE = ['box', 'sh', '-c', 'mkdir -p /www && echo hello from box httpd > /www/index.html && httpd -f -p 80 -h /www'];
const GET = 'GET / HTTP/1.0\r\n\r\n';

/** A command that prints a new random ID: it succeeds on both. */
async function started(argv: string[]): Promise<void> {
  const r = await h.both(argv);
  expect(r.kernel.code, r.kernel.stderr).toBe(0);
  expect(r.browser.code, r.browser.stderr).toBe(0);
}

/** Run `argv` on one engine until it exits 0 (a server that is still starting refuses), at most 60 tries. */
async function untilOk(run: (argv: string[], options?: { stdin?: string }) => Promise<DockerResult>, argv: string[], stdin?: string): Promise<DockerResult> {
  let last: DockerResult | undefined;
  for (let i = 0; i < 60; i++) {
    last = await run(argv, stdin === undefined ? undefined : { stdin });
    if (last.code === 0) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`docker ${argv.join(' ')} never succeeded: ${JSON.stringify(last)}`);
}

/** The same on both engines, each retried until it succeeds. */
async function bothUntilOk(argv: string[], stdin?: string): Promise<Both> {
  return { browser: await untilOk(h.onBrowser, argv, stdin), kernel: await untilOk(h.onKernel, argv, stdin) };
}

describe('sockets between containers', () => {
  parityIt('box nc and wget reach box httpd on a user network by name and by address; nslookup, getent hosts, hostname -i; refusals in the same words; the same request log', async () => {
    await started(['network', 'create', 'webnet']);
    await started(['run', '-d', '--network', 'webnet', '--name', 'web', ...SERVE]);
    // Ready when it answers a client on its network (one request logged on each engine).
    expectSame(await bothUntilOk(['run', '--rm', '--network', 'webnet', 'box', 'sh', '-c', 'printf "GET /ready HTTP/1.0\\n\\n" | nc web 80']));
    const ip = await h.both(['inspect', '-f', '{{.NetworkSettings.Networks.webnet.IPAddress}} {{.NetworkSettings.Networks.webnet.Gateway}}', 'web']);
    expectSame(ip);
    const [address, gateway] = ip.kernel.stdout.trim().split(' ');

    const byName = await h.both(['run', '--rm', '-i', '--network', 'webnet', 'box', 'nc', 'web', '80'], { stdin: GET });
    expectSame(byName);
    expect(byName.kernel.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nhello from box httpd\n$/);
    expectSame(await h.both(['run', '--rm', '-i', '--network', 'webnet', 'box', 'nc', address, '80'], { stdin: GET }));

    const refused = await h.both(['run', '--rm', '--network', 'webnet', 'box', 'nc', 'web', '81']);
    expectSame(refused);
    expect(refused.kernel.stderr).toBe(`nc: can't connect to remote host (${address}): Connection refused\n`);
    expectSame(await h.both(['run', '--rm', '--network', 'webnet', 'box', 'nc', 'nobody', '80']));
    const otherNetwork = await h.both(['run', '--rm', 'box', 'nc', address, '80']);
    expectSame(otherNetwork);
    expect(otherNetwork.kernel.stderr).toContain('Network is unreachable (the playground has no outside network');
    const toGateway = await h.both(['run', '--rm', '--network', 'webnet', 'box', 'nc', gateway, '80']);
    expectSame(toGateway);
    expect(toGateway.kernel.code).toBe(1);

    // Names and addresses as the learner's tools show them, then a download between containers.
    expectSame(await h.both(['run', '--rm', '--network', 'webnet', 'box', 'nslookup', 'web']));
    expectSame(await h.both(['run', '--rm', '--network', 'webnet', 'box', 'nslookup', 'nobody']));
    const hosts = await h.both(['run', '--rm', '--network', 'webnet', 'box', 'getent', 'hosts', 'web', 'localhost']);
    expectSame(hosts);
    expect(hosts.kernel.stdout).toBe(`${address.padEnd(15)} web\n127.0.0.1       localhost\n`);
    expectSame(await h.both(['run', '--rm', 'box', 'getent', 'hosts', 'web']));
    expectSame(await h.both(['run', '--rm', '--network', 'webnet', '--hostname', 'client', 'box', 'hostname', '-i']));
    const wget = await h.both(['run', '--rm', '--network', 'webnet', 'box', 'wget', '-q', '-O', '-', 'http://web/']);
    expectSame(wget);
    expect(wget.kernel).toEqual({ code: 0, stdout: 'hello from box httpd\n', stderr: '' });
    expectSame(await h.both(['run', '--rm', '--network', 'webnet', 'box', 'wget', '-q', '-O', '-', 'http://web/missing']));
    // Every client had the address the model gives the next container on webnet, on both engines.
    const logs = await h.both(['logs', 'web']);
    expectSame(logs);
    expect(logs.kernel.stdout.split('\n').filter(Boolean).map((l) => l.split(' ')[0])).toEqual(['172.18.0.3', '172.18.0.3', '172.18.0.3', '172.18.0.3', '172.18.0.3']);
    expectSame(await h.both(['stop', 'web']));
    expectSame(await h.both(['inspect', '-f', '{{.State.ExitCode}}', 'web']));
  });

  parityIt('nc -l in one container takes what nc in another sends by name', async () => {
    await started(['run', '-d', '--network', 'webnet', '--name', 'sink', 'box', 'nc', '-l', '-p', '7000']);
    expectSame(await bothUntilOk(['run', '--rm', '--network', 'webnet', 'box', 'sh', '-c', 'echo over the network | nc sink 7000']));
    expectSame(await h.both(['wait', 'sink']));
    const logs = await h.both(['logs', 'sink']);
    expectSame(logs);
    expect(logs.kernel.stdout).toBe('over the network\n');
    expectSame(await h.both(['rm', '-f', 'web', 'sink']));
    expectSame(await h.both(['network', 'rm', 'webnet']));
  });
});
