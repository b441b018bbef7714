/**
 * docker compose on both engines (issue 18 §4): the same project brought up, listed, read, exec'd
 * into and taken down with -v gives the same progress lines, names, labels (the config hash
 * included), addresses, output and messages. The services talk over the project network by
 * service name with box's nc.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { parityIt } from './open-differences.ts';
import { expectSame, useParity, type Both } from './parity-harness.ts';

const h = useParity(['box', 'httpd', 'kv']);

const b64 = (text: string) => Buffer.from(text).toString('base64');
const PROJECT = {
  workingDir: '/home/learner/hits',
  files: {
    'compose.yaml': b64(`services:
  web:
    build: ./web
    expose: ["80"]
    depends_on: [kv]
  kv:
    image: box
    command: sh -c 'trap "exit 0" TERM; echo kv up; echo saved > /data/db; nc -l -p 6379; while true; do sleep 1; done'
    volumes: [kvdata:/data]
    networks:
      default:
        aliases: [store]
volumes:
  kvdata:
`),
    'web/Dockerfile': b64('FROM box\nCMD ["sh", "-c", "trap \\"exit 0\\" TERM; echo web up; while true; do sleep 1; done"]\n'),
  },
};

function withoutShortIds(r: Both): Both {
  const one = (x: Both['kernel']) => ({ ...x, stdout: x.stdout.replace(/\b[0-9a-f]{12}\b/g, '<id>') });
  return { browser: one(r.browser), kernel: one(r.kernel) };
}

const compose = (...argv: string[]) => h.both(['compose', ...argv], PROJECT);

/** Polls `compose logs SERVICE` on both until each shows `text` (50 tries, 100 ms apart). */
async function logsShowing(service: string, text: string): Promise<Both> {
  let r = await compose('logs', '--no-color', service);
  for (let i = 0; i < 50 && !(r.browser.stdout.includes(text) && r.kernel.stdout.includes(text)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    r = await compose('logs', '--no-color', service);
  }
  return r;
}

describe('docker compose', () => {
  parityIt('up -d, ps, labels, addresses, logs, exec, traffic by service name, down -v', async () => {
    const up = await compose('up', '-d');
    expect(up.kernel.code, up.kernel.stderr).toBe(0);
    // The build's own lines carry a random intermediate container ID: compared from Compose's lines on.
    const composeLines = (r: Both['kernel']) => r.stderr.split('\n').filter((l) => l.startsWith(' ')).join('\n');
    expect(composeLines(up.browser)).toBe(composeLines(up.kernel));
    expect(composeLines(up.kernel)).toContain(' Container hits-web-1  Started');

    expectSame(await compose('ps', '--services'));
    expectSame(await h.both(['ps', '-a', '--filter', 'label=com.docker.compose.project=hits', '--format', '{{.Names}} {{.Image}} {{.Ports}}']));
    expectSame(await h.both(['inspect', '-f', '{{json .Config.Labels}}', 'hits-kv-1', 'hits-web-1']));
    // Docker lists the container's short ID among its aliases: random, so scrubbed.
    const addresses = await h.both(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}} {{$v.Aliases}}{{end}}', 'hits-kv-1', 'hits-web-1']);
    expectSame(withoutShortIds(addresses));
    expect(withoutShortIds(addresses).kernel.stdout).toBe('hits_default 172.18.0.2 [kv store <id>]\nhits_default 172.18.0.3 [web <id>]\n');
    expectSame(await h.both(['network', 'inspect', '-f', '{{.Name}} {{json .Labels}} {{json .IPAM.Config}}', 'hits_default']));
    expectSame(await h.both(['volume', 'inspect', '-f', '{{.Name}} {{json .Labels}}', 'hits_kvdata']));

    expectSame(await logsShowing('kv', 'kv up'));
    expectSame(await compose('exec', '-T', 'kv', 'cat', '/data/db'));
    expectSame(await compose('exec', '-T', 'web', 'sh', '-c', 'echo hello kv | nc store 6379; echo sent $?'));
    const heard = await logsShowing('kv', 'hello kv');
    expectSame(heard);
    expect(heard.kernel.stdout).toBe('kv-1  | kv up\nkv-1  | hello kv\n');

    expectSame(await compose('exec', '-T', 'nope', 'true'));
    expectSame(await compose('run', '--rm', '--no-deps', 'kv', 'echo', 'one-off'));
    const down = await compose('down', '-v');
    expectSame(down);
    expect(down.kernel.stderr).toContain(' Volume "hits_kvdata"  Removed\n Network hits_default  Removing\n Network hits_default  Removed\n');
    expectSame(await h.both(['ps', '-a', '--format', '{{.Names}}']));
  });

  parityIt('the shipped hits project: web counts its visits in kv, and the count outlives down without -v', async () => {
    // examples/hits as a new workspace has it: the images' example and the compose file beside it.
    const files: Record<string, string> = {};
    for (const dir of ['../../images/examples/hits/', '../../web/Workspace/compose-examples/hits/']) {
      const url = new URL(dir, import.meta.url);
      for (const name of readdirSync(fileURLToPath(url))) files[name] = readFileSync(new URL(name, url)).toString('base64');
    }
    // The kernel publishes on a real host port, which other programs on a shared machine may hold
    // (an ephemeral one too): published ports are compared in the unit tests, where they are virtual.
    files['compose.yaml'] = Buffer.from(Buffer.from(files['compose.yaml'], 'base64').toString().replace(/ {4}ports:\n {6}- "8080:80"\n/, '')).toString('base64');
    const hits = { workingDir: '/home/learner/examples/hits', files };
    const run = (...argv: string[]) => h.both(['compose', ...argv], hits);
    try {
      await hitsCount(run);
    } finally {
      await run('down', '-v');
    }
  });

  async function hitsCount(run: (...argv: string[]) => Promise<Both>): Promise<void> {
    const up = await run('up', '-d');
    expect(up.kernel.code, up.kernel.stderr).toBe(0);
    expect(up.browser.code, up.browser.stderr).toBe(0);
    const page = () => run('exec', '-T', 'web', 'wget', '-T', '10', '-q', '-O', '-', 'http://localhost/cgi-bin/index.cgi');
    const first = await page();
    expectSame(withoutShortIds(first));
    expect(first.kernel.stdout).toContain('This page has been seen 1 time.');
    expect((await page()).kernel.stdout).toContain('This page has been seen 2 times.');
    expectSame(await run('down'));
    expectSame(await run('up', '-d'));
    const again = await page();
    expectSame(withoutShortIds(again));
    expect(again.kernel.stdout).toContain('This page has been seen 3 times.');
  }

  parityIt('bad input: a schema violation, a cycle, a dependency that exits at once', async () => {
    const file = (text: string) => ({ workingDir: '/home/learner/bad', files: { 'compose.yaml': b64(text) } });
    expectSame(await h.both(['compose', 'config'], file('services:\n  web:\n    image: box\n    comand: x\n')));
    expectSame(await h.both(['compose', 'up', '-d'], file('services:\n  a:\n    image: box\n    depends_on: [b]\n  b:\n    image: box\n    depends_on: [a]\n')));
    const healthy = file(
      'services:\n  web:\n    image: box\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: box\n    command: sh -c "exit 1"\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: 1s\n',
    );
    const up = await h.both(['compose', 'up', '-d'], healthy);
    expectSame(up);
    expect(up.kernel.stderr).toContain('dependency failed to start: container bad-db-1 exited (1)\n');
    expectSame(await h.both(['ps', '-a', '--format', '{{.Names}} {{.State}}'], healthy));
    expectSame(await h.both(['compose', 'down'], healthy));
  });
});
