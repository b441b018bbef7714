/**
 * The browser engine's virtual network in Chromium (issue 16 §1, worker/net/): containers' process
 * Workers reach each other through the engine Worker's hub with box's `nc` and `httpd`, names
 * resolve on user-defined networks only, `none` reaches nothing, published ports answer through
 * connectPublished, and docker stop ends the connections of the container it stops.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    dockyard: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    net: any;
  }
}

async function openPage(page: Page) {
  await page.goto('/test/browser/engine.html');
  await expect(page.locator('#status')).toHaveText('ready');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // Helpers on the page for this spec's evaluate calls.
  await page.evaluate(() => {
    const decoder = new TextDecoder();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    window.net = {
      sleep,
      async detached(db: string, create: Record<string, unknown>) {
        const engine = window.dockyard.engine(db);
        const { Id } = await engine.createContainer(create);
        await engine.startContainer(Id);
        return Id as string;
      },
      async sh(db: string, script: string, extra: Record<string, unknown> = {}) {
        const r = await window.dockyard.dockerRun(db, { Image: 'box', Cmd: ['sh', '-c', script], ...extra, HostConfig: { AutoRemove: true, ...((extra.HostConfig as object) ?? {}) } });
        return { out: `${r.stdout}${r.stderr}`, code: r.exit.StatusCode as number };
      },
      /** Run `script` until it exits 0 (a server that is still starting refuses), at most `tries` times. */
      async shUntilOk(db: string, script: string, extra: Record<string, unknown> = {}, tries = 60) {
        let last = { out: '', code: -1 };
        for (let i = 0; i < tries; i++) {
          last = await window.net.sh(db, script, extra);
          if (last.code === 0) return last;
          await sleep(100);
        }
        return last;
      },
      async logs(db: string, id: string) {
        const entries = await window.dockyard.engine(db).logs(id, { stdout: true, stderr: true });
        return entries.map((e: { data: Uint8Array }) => decoder.decode(e.data)).join('');
      },
      /** One exchange through a published port: send `text`, half close, read to the end. */
      async request(db: string, hostPort: number, text: string) {
        const port: MessagePort = await window.dockyard.engine(db).connectPublished('', hostPort);
        return new Promise<string>((resolve) => {
          const chunks: string[] = [];
          port.onmessage = (e) => {
            const m = e.data;
            if (m.data) chunks.push(decoder.decode(m.data));
            else if (m.end) resolve(chunks.join(''));
            else if (m.error) resolve(`${chunks.join('')}[error: ${m.error}]`);
          };
          port.postMessage({ data: new TextEncoder().encode(text).buffer });
          port.postMessage({ end: true });
        });
      },
      /** As request, retried while the container's server is not listening yet. */
      async requestWhenUp(db: string, hostPort: number, text: string, tries = 100) {
        for (let i = 0; ; i++) {
          try {
            return await window.net.request(db, hostPort, text);
          } catch (e) {
            if (i >= tries) throw e;
            await sleep(100);
          }
        }
      },
    };
  });
}

test.describe('browser engine network', () => {
  // Pulls and several containers on a 2-core machine shared with other suites: generous, not a timing claim.
  test.setTimeout(240_000);

  test('two containers on a user network reach each other by name; on the default bridge by address only; none reaches nothing', async ({ page }) => {
    await openPage(page);
    const db = `t-net-${Date.now()}`;
    const o = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      await engine.pull('box');
      await engine.createNetwork({ Name: 'app' });
      const o: Record<string, unknown> = {};
      const srv = await window.net.detached(db, { name: 'srv', Image: 'box', Cmd: ['nc', '-l', '-p', '8080'], HostConfig: { NetworkMode: 'app' } });
      o.appIp = (await engine.inspectContainer(srv)).NetworkSettings.Networks.app?.IPAddress;
      o.byName = await window.net.shUntilOk(db, 'echo hello-by-name | nc srv 8080', { HostConfig: { NetworkMode: 'app' } });
      o.ipAddr = await window.net.sh(db, 'ip -4 addr', { HostConfig: { NetworkMode: 'app' } });
      o.srvExit = await engine.waitContainer(srv, 'not-running');
      o.srvLogs = await window.net.logs(db, srv);

      const plain = await window.net.detached(db, { name: 'plain', Image: 'box', Cmd: ['nc', '-l', '-p', '8080'] });
      const plainIp = (await engine.inspectContainer(plain)).NetworkSettings.IPAddress;
      o.plainIp = plainIp;
      o.bridgeByName = await window.net.sh(db, 'echo x | nc plain 8080');
      o.bridgeByAddress = await window.net.shUntilOk(db, `echo hello-by-address | nc ${plainIp} 8080`);
      await engine.waitContainer(plain, 'not-running');
      o.plainLogs = await window.net.logs(db, plain);
      // The default bridge and the user network do not reach each other.
      const again = await window.net.detached(db, { name: 'srv2', Image: 'box', Cmd: ['nc', '-l', '-p', '8080'], HostConfig: { NetworkMode: 'app' } });
      const againIp = (await engine.inspectContainer(again)).NetworkSettings.Networks.app?.IPAddress;
      o.againIp = againIp;
      o.crossNetworks = await window.net.sh(db, `echo x | nc ${againIp} 8080`);
      o.none = await window.net.sh(db, `echo x | nc ${againIp} 8080; nc srv2 8080`, { HostConfig: { NetworkMode: 'none' } });
      await engine.stopContainer(again, { timeout: 1 });
      // docker network connect of a running container: its name resolves there and it answers.
      const late = await window.net.detached(db, { name: 'late', Image: 'box', Cmd: ['nc', '-l', '-p', '8080'] });
      o.beforeConnect = await window.net.sh(db, 'echo x | nc late 8080', { HostConfig: { NetworkMode: 'app' } });
      await engine.connectNetwork('app', late);
      o.afterConnect = await window.net.shUntilOk(db, 'echo hello-after-connect | nc late 8080', { HostConfig: { NetworkMode: 'app' } });
      await engine.waitContainer(late, 'not-running');
      o.lateLogs = await window.net.logs(db, late);
      return o;
    }, db);
    expect(o.byName).toEqual({ out: '', code: 0 });
    expect((o.ipAddr as { out: string }).out).toMatch(/inet 127\.0\.0\.1\/8[\s\S]*inet 172\.18\.0\.\d+\/16/);
    expect(o.srvExit).toMatchObject({ StatusCode: 0 });
    expect(o.srvLogs).toBe('hello-by-name\n');
    expect(o.appIp).toMatch(/^172\.18\.0\.\d+$/);
    expect(o.plainIp).toMatch(/^172\.17\.0\.\d+$/);
    expect(o.bridgeByName).toEqual({ out: "nc: bad address 'plain'\n", code: 1 });
    expect(o.bridgeByAddress).toEqual({ out: '', code: 0 });
    expect(o.plainLogs).toBe('hello-by-address\n');
    const unreachable = (ip: string) => `nc: can't connect to remote host (${ip}): Network is unreachable (the playground has no outside network: only containers on your networks)\n`;
    expect(o.againIp).toMatch(/^172\.18\.0\.\d+$/);
    expect(o.crossNetworks).toEqual({ out: unreachable(o.againIp as string), code: 1 });
    expect(o.beforeConnect).toEqual({ out: "nc: bad address 'late'\n", code: 1 });
    expect(o.afterConnect).toEqual({ out: '', code: 0 });
    expect(o.lateLogs).toBe('hello-after-connect\n');
    expect(o.none).toEqual({ out: `${unreachable(o.againIp as string)}nc: bad address 'srv2'\n`, code: 1 });
  });

  test('a published port answers through connectPublished: httpd, 50 connections at once, exec and diff meanwhile, stop ends a connection', async ({ page }) => {
    await openPage(page);
    const db = `t-pub-${Date.now()}`;
    const o = await page.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      await engine.pull('box');
      const o: Record<string, unknown> = {};
      o.none = await engine.connectPublished('', 8080).then(
        () => 'connected',
        (e: Error) => e.message,
      );
      const web = await window.net.detached(db, {
        Image: 'box',
        // /www/big: `seq 1 1400000` is 10,088,896 bytes.
        Cmd: ['sh', '-c', 'mkdir -p /www && echo hello-web > /www/index.html && seq 1 1400000 > /www/big && httpd -f -p 80 -h /www'],
        HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
      });
      const get = 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n';
      o.first = await window.net.requestWhenUp(db, 8080, get);
      o.listed = await engine.publishedPorts();
      o.web = web;
      const many = await Promise.all(Array.from({ length: 50 }, () => window.net.request(db, 8080, get)));
      o.manyOk = many.filter((r: string) => r.includes('200 OK') && r.endsWith('hello-web\n')).length;
      const big: string = await window.net.request(db, 8080, 'GET /big HTTP/1.0\r\n\r\n');
      const body = big.slice(big.indexOf('\r\n\r\n') + 4);
      o.big = { length: body.length, head: body.slice(0, 8), tail: body.slice(-16) };
      // exec and a live diff are served by the same Worker while httpd waits in poll.
      const exec = await engine.createExec(web, { Cmd: ['cat', '/www/index.html'], AttachStdout: true, AttachStderr: true });
      const execOut: string[] = [];
      await engine.startExec(exec.Id, { stdout: true, stderr: true, onOutput: (_fd: number, data: Uint8Array) => execOut.push(new TextDecoder().decode(data)) });
      for (let i = 0; i < 100 && (await engine.inspectExec(exec.Id)).Running; i++) await window.net.sleep(50);
      o.exec = execOut.join('');
      o.diff = await engine.changes(web);
      o.afterExec = await window.net.request(db, 8080, get);
      // A connection that sent nothing yet: httpd holds it open; docker stop ends it.
      const port: MessagePort = await engine.connectPublished('127.0.0.1', 8080);
      const ended = new Promise<string>((resolve) => {
        port.onmessage = (e) => resolve(e.data.end ? 'end' : e.data.error ? 'error' : 'data');
      });
      await engine.stopContainer(web, { timeout: 5 });
      o.stopped = await ended;
      // httpd ends on SIGTERM (its poll returned EINTR): 0, not the kill after the grace period.
      o.stopExit = (await engine.inspectContainer(web)).State.ExitCode;
      o.afterStop = await engine.connectPublished('', 8080).then(
        () => 'connected',
        (e: Error) => e.message,
      );
      o.listedAfter = await engine.publishedPorts();
      return o;
    }, db);
    expect(o.none).toBe('nothing is published on port 8080');
    expect(o.first).toMatch(/^HTTP\/1\.[01] 200 OK\r\n/);
    expect(o.first).toMatch(/hello-web\n$/);
    expect(o.listed).toEqual([{ hostIp: '0.0.0.0', hostPort: 8080, containerId: o.web }]);
    expect(o.manyOk).toBe(50);
    expect(o.big).toEqual({ length: 10_088_896, head: '1\n2\n3\n4\n', tail: '1399999\n1400000\n' });
    expect(o.exec).toBe('hello-web\n');
    expect(o.diff).toEqual(expect.arrayContaining([{ Kind: 1, Path: '/www' }]));
    expect(o.afterExec).toMatch(/hello-web\n$/);
    expect(o.stopped).toBe('end');
    expect(o.stopExit).toBe(0);
    expect(o.afterStop).toBe('nothing is published on port 8080');
    expect(o.listedAfter).toEqual([]);
  });

  test('a port published in one tab answers in another tab of the same playground', async ({ page, context }) => {
    await openPage(page);
    const other = await context.newPage();
    await openPage(other);
    const db = `t-tabs-${Date.now()}`;
    const web = await page.evaluate(async (db) => {
      await window.dockyard.engine(db).pull('box');
      const id = await window.net.detached(db, {
        Image: 'box',
        Cmd: ['sh', '-c', 'mkdir -p /www && echo from-the-first-tab > /www/index.html && httpd -f -p 80 -h /www'],
        HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8081' }] } },
      });
      await window.net.requestWhenUp(db, 8081, 'GET / HTTP/1.0\r\n\r\n');
      return id;
    }, db);
    const o = await other.evaluate(async (db) => {
      const engine = window.dockyard.engine(db);
      return {
        local: await engine.publishedPorts(),
        answer: await window.net.request(db, 8081, 'GET / HTTP/1.0\r\n\r\n'),
        unpublished: await engine.connectPublished('', 8082).then(
          () => 'connected',
          (e: Error) => e.message,
        ),
      };
    }, db);
    expect(o.local).toEqual([]);
    expect(o.answer).toMatch(/^HTTP\/1\.[01] 200 OK\r\n[\s\S]*from-the-first-tab\n$/);
    expect(o.unpublished).toBe('nothing is published on port 8082');
    await page.evaluate(([db, id]) => window.dockyard.engine(db).stopContainer(id, { timeout: 5 }), [db, web] as const);
    await other.close();
  });

  test('the hits example through its published port: the count grows, stop kv and the page says so, start it and it counts again', async ({ page }) => {
    await openPage(page);
    const db = `t-hits-${Date.now()}`;
    const context = Object.fromEntries(['Dockerfile', 'index.cgi'].map((f) => [f, [...readFileSync(new URL(`../../../images/examples/hits/${f}`, import.meta.url))]]));
    const o = await page.evaluate(
      async ([db, files]) => {
        const engine = window.dockyard.engine(db);
        await engine.pull('kv');
        await engine.pull('httpd');
        await engine.pull('box');
        await engine.createNetwork({ Name: 'app' });
        const kv = await window.net.detached(db, { name: 'kv', Image: 'kv', HostConfig: { NetworkMode: 'app' } });
        await engine.build({ context: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v as number[])])), tags: ['hits'] });
        await window.net.detached(db, { name: 'hits', Image: 'hits', HostConfig: { NetworkMode: 'app', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } });
        const get = 'GET / HTTP/1.0\r\n\r\n';
        const heading = (page: string) => page.match(/<h1>(.*)<\/h1>/)?.[1] ?? page;
        const o: Record<string, string> = {};
        // kv may still be starting: the first answer that counts.
        for (let i = 0; i < 50; i++) {
          o.first = heading(await window.net.requestWhenUp(db, 8080, get));
          if (o.first.startsWith('This page')) break;
          await window.net.sleep(100);
        }
        o.second = heading(await window.net.request(db, 8080, get));
        await engine.stopContainer(kv, { timeout: 5 });
        o.stopped = heading(await window.net.request(db, 8080, get));
        await engine.startContainer(kv);
        for (let i = 0; i < 50; i++) {
          o.again = heading(await window.net.request(db, 8080, get));
          if (o.again.startsWith('This page')) break;
          await window.net.sleep(100);
        }
        // Container to container over HTTP, by name: box's wget.
        const wget = await window.net.sh(db, 'wget -q -O - http://hits/', { HostConfig: { NetworkMode: 'app' } });
        o.wget = `${heading(wget.out)} [${wget.code}]`;
        return o;
      },
      [db, context] as const,
    );
    expect(o.first).toBe('This page has been seen 1 time.');
    expect(o.second).toBe('This page has been seen 2 times.');
    expect(o.stopped).toBe('Cannot reach kv');
    expect(o.again).toBe('This page has been seen 3 times.');
    expect(o.wget).toBe('This page has been seen 4 times. [0]');
  });
});
