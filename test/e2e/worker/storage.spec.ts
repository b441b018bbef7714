/**
 * The browser engine's storage in Chromium: persistence across a reload, two tabs on one
 * database, a tab killed mid-write, the storage quota (HOSTILE 26-28).
 */
import { test, expect, type Page } from '@playwright/test';
import { probeWasm } from './probe.ts';

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    dockyard: any;
  }
}

test.setTimeout(180_000);

async function openPage(page: Page) {
  await page.goto('/test/browser/engine.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

async function buildProbe(page: Page, db: string, tag = 'probe:1') {
  return page.evaluate(
    async ([db, bytes, tag]) =>
      window.dockyard.engine(db).build({
        context: { Dockerfile: new TextEncoder().encode('FROM scratch\nCOPY probe /bin/probe\nENTRYPOINT ["/bin/probe"]\n'), probe: new Uint8Array(bytes) },
        tags: [tag],
      }),
    [db, probeWasm(), tag] as const,
  );
}

/** Put a blob of `mb` MiB through the IndexedDB BlobStore in slow chunks (so a test can interrupt it). */
async function slowPut(page: Page, db: string, mb: number, delayMs: number) {
  return page.evaluate(
    async ([db, mb, delayMs]) => {
      const ports = await window.dockyard.openBrowserPorts(db);
      // Random bytes: IndexedDB compresses values, and the quota test needs real bytes on disk.
      const chunk = new Uint8Array(1024 * 1024);
      for (let o = 0; o < chunk.length; o += 65536) crypto.getRandomValues(chunk.subarray(o, o + 65536));
      async function* body() {
        for (let i = 0; i < mb; i++) {
          await new Promise((r) => setTimeout(r, delayMs));
          yield chunk;
        }
      }
      try {
        await ports.blobs.put({ digest: `sha256:${'0'.repeat(64)}` }, body());
        return 'stored';
      } catch (e) {
        return `${(e as { code: string }).code}: ${(e as Error).message}`;
      }
    },
    [db, mb, delayMs] as const,
  );
}

test('images, containers and their files persist across a reload', async ({ page }) => {
  await openPage(page);
  const db = `t-persist-${Date.now()}`;
  await buildProbe(page, db);
  const first = await page.evaluate((db) => window.dockyard.dockerRun(db, { name: 'kept', Image: 'probe:1', Cmd: ['write', '/state', 'v1'] }), db);
  expect(first.exit.StatusCode).toBe(0);
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const after = await page.evaluate(async (db) => {
    const engine = window.dockyard.engine(db);
    const images = (await engine.listImages()).flatMap((i: { RepoTags: string[] }) => i.RepoTags);
    const state = (await engine.inspectContainer('kept')).State;
    const diff = await engine.changes('kept');
    // A restarted container keeps its own writable layer.
    await engine.startContainer('kept');
    await engine.waitContainer('kept');
    const reread = await window.dockyard.dockerRun(db, { Image: 'probe:1', Cmd: ['read', '/state'], HostConfig: { AutoRemove: true } });
    return { images, status: [state.Status, state.ExitCode], diff, fresh: reread.stdout, verify: await window.dockyard.verifyStore(db) };
  }, db);
  expect(after.images).toEqual(['probe:1']);
  expect(after.status).toEqual(['exited', 0]);
  expect(after.diff).toEqual([{ Path: '/state', Kind: 1 }]);
  // Another container from the same image does not see it: image = class, container = instance.
  expect(after.fresh).toBe('');
  expect(after.verify.problems).toEqual([]);
});

test('HOSTILE 28: two tabs pulling and building at once share one store without corruption', async ({ context }) => {
  const db = `t-tabs-${Date.now()}`;
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([openPage(a), openPage(b)]);
  await Promise.all(
    [a, b].map(async (p, i) => {
      await p.evaluate((db) => window.dockyard.engine(db).pull('box'), db);
      await buildProbe(p, db, `probe:${i}`);
    }),
  );
  const seen = await Promise.all([a, b].map((p) => p.evaluate((db) => window.dockyard.engine(db).listImages().then((l: Array<{ RepoTags: string[] }>) => l.flatMap((i) => i.RepoTags).sort()), db)));
  expect(seen[0]).toEqual(['box:latest', 'probe:0', 'probe:1']);
  expect(seen[1]).toEqual(seen[0]);
  const verify = await a.evaluate((db) => window.dockyard.verifyStore(db), db);
  expect(verify.problems).toEqual([]);
  // Shared blobs are stored once: the same as one tab pulling box and building probe once.
  const single = `t-single-${Date.now()}`;
  await a.evaluate((db) => window.dockyard.engine(db).pull('box'), single);
  await buildProbe(a, single, 'probe:0');
  const once = await a.evaluate((db) => window.dockyard.verifyStore(db), single);
  // probe:0 and probe:1 are the same image (same Dockerfile and context): one config, one layer.
  expect(verify.blobs).toBe(once.blobs);
});

test('a container running in one tab stays running when another tab opens the store, and ends with its tab', async ({ context }) => {
  const db = `t-live-${Date.now()}`;
  const state = (p: Page) => p.evaluate(async (db) => (await window.dockyard.engine(db).inspectContainer('sleeper')).State, db);
  const a = await context.newPage();
  await openPage(a);
  await a.evaluate(async (db) => {
    const engine = window.dockyard.engine(db);
    await engine.pull('box');
    await engine.createContainer({ name: 'sleeper', Image: 'box', Cmd: ['sleep', '600'] });
    await engine.startContainer('sleeper');
  }, db);
  // A second tab's engine opens over the same store: the first tab still runs the container.
  const b = await context.newPage();
  await openPage(b);
  expect(await state(b)).toMatchObject({ Status: 'running', Running: true });
  expect(await state(a)).toMatchObject({ Status: 'running', Running: true });
  // The tab that ran it is gone: the next engine to open finds it ended, as after a reload.
  await a.close({ runBeforeUnload: false });
  const c = await context.newPage();
  await openPage(c);
  expect(await state(c)).toMatchObject({ Status: 'exited', Running: false, ExitCode: 137 });
});

test('HOSTILE 27: a tab killed in the middle of writing leaves no partial blob and no dangling tag', async ({ context }) => {
  const db = `t-kill-${Date.now()}`;
  const writer = await context.newPage();
  await openPage(writer);
  await buildProbe(writer, db);
  // A slow 32 MiB write and a pull in flight, then the tab is gone.
  void slowPut(writer, db, 32, 30).catch(() => {});
  void writer.evaluate((db) => window.dockyard.engine(db).pull('box'), db).catch(() => {});
  await writer.waitForTimeout(300);
  await writer.close({ runBeforeUnload: false });
  const reader = await context.newPage();
  await openPage(reader);
  const after = await reader.evaluate(async (db) => {
    const verify = await window.dockyard.verifyStore(db);
    const ports = await window.dockyard.openBrowserPorts(db);
    return { verify, staging: await ports.blobs.db.count('staging'), images: (await window.dockyard.engine(db).listImages()).flatMap((i: { RepoTags: string[] }) => i.RepoTags) };
  }, db);
  expect(after.verify.problems).toEqual([]);
  expect(after.staging).toBe(0);
  expect(after.images).toContain('probe:1');
});

test('HOSTILE 26: quota exceeded while storing a layer - a clear error, nothing partial, the store still opens', async ({ page }) => {
  await openPage(page);
  const db = `t-quota-${Date.now()}`;
  // A small quota for this origin, set before the page first opens storage (on Chromium 156 an
  // override sent after that did not take effect).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 8 * 1024 * 1024 });
  await buildProbe(page, db);
  const result = await slowPut(page, db, 32, 0);
  expect(result).toMatch(/^resource-exhausted: no space left in the browser's storage while storing sha256:0{64}/);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin });
  const after = await page.evaluate(async (db) => {
    const ports = await window.dockyard.openBrowserPorts(db);
    return {
      has: await ports.blobs.has(`sha256:${'0'.repeat(64)}`),
      staging: await ports.blobs.db.count('staging'),
      chunks: await ports.blobs.db.count('chunks'),
      verify: await window.dockyard.verifyStore(db),
      run: (await window.dockyard.dockerRun(db, { Image: 'probe:1', Cmd: ['hello'], HostConfig: { AutoRemove: true } })).stdout,
    };
  }, db);
  expect(after.has).toBe(false);
  expect(after.staging).toBe(0);
  expect(after.verify.problems).toEqual([]);
  expect(after.run).toBe('Hello from Dockyard!\n');
});
