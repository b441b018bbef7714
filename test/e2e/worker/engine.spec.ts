/**
 * The browser engine end to end in Chromium: the engine worker (IndexedDB stores, container
 * Workers) driven through comlink exactly as the playground drives it.
 */
import { test, expect, type Page } from '@playwright/test';
import { probeWasm } from './probe.ts';

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    dockyard: any;
  }
}

const DOCKERFILE = 'FROM scratch\nCOPY probe /bin/probe\nENTRYPOINT ["/bin/probe"]\nCMD ["hello"]\n';

async function openPage(page: Page) {
  await page.goto('/test/browser/engine.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

/** Build the probe image into database `db` as `probe:1`. */
async function buildProbe(page: Page, db: string) {
  return page.evaluate(
    async ([db, bytes, dockerfile]) => {
      const engine = window.dockyard.engine(db);
      const lines: string[] = [];
      const result = await engine.build({
        context: { Dockerfile: new TextEncoder().encode(dockerfile), probe: new Uint8Array(bytes) },
        tags: ['probe:1'],
        onProgress: (e: { stream?: string }) => e.stream && lines.push(e.stream),
      });
      return { result, output: lines.join('') };
    },
    [db, probeWasm(), DOCKERFILE] as const,
  );
}

test.describe('browser engine', () => {
  test('build an image from a Dockerfile, then run it: output streamed before the exit', async ({ page }) => {
    await openPage(page);
    const db = `t-run-${Date.now()}`;
    const built = await buildProbe(page, db);
    expect(built.output).toContain('Step 1/4 : FROM scratch');
    expect(built.result.Tags).toEqual(['probe:1']);
    const run = await page.evaluate((db) => window.dockyard.dockerRun(db, { Image: 'probe:1', HostConfig: { AutoRemove: true } }), db);
    expect(run.stdout).toBe('Hello from Dockyard!\n');
    expect(run.exit).toEqual({ StatusCode: 0, Error: null });
    expect(run.firstOutputAt).toBeGreaterThanOrEqual(0);
    expect(run.firstOutputAt).toBeLessThanOrEqual(run.exitAt);
    // --rm: gone once it exited.
    await expect.poll(() => page.evaluate((db) => window.dockyard.engine(db).listContainers({ all: true }).then((l: unknown[]) => l.length), db)).toBe(0);
  });
});
