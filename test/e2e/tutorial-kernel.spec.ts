/**
 * Lesson 3 on a real kernel (issue 6): with a kernel service connected, the lesson gains steps whose
 * commands run in a terminal tab on the service and whose checks read the service's state. The
 * service is started by the test (as root: overlayfs + runc, as connect.spec.ts does); what the
 * steps tell the learner to look at on the host - the cgroup's memory limit, the overlay's upper
 * directory - is read here from the host too, so the lesson's words are tested, not only its checks.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startKernelService, type KernelService } from '../parity/kernel-service.ts';
import { screenText, typeLine } from './journey-support.ts';
import { completeStep, engineReady, LANGS, useLanguage, waitAllIdle } from './tutorial-support.ts';

let kernel: KernelService;

test.beforeAll(async ({ baseURL }) => {
  kernel = await startKernelService({ allowOrigin: [], playground: `${baseURL}/` });
});
test.afterAll(async () => {
  await kernel?.stop();
});

/** The last full container ID a terminal tab printed (docker inspect --format "{{.Id}} ..."). */
async function lastId(page: Page, tab: number): Promise<string> {
  const ids = (await screenText(page, tab)).match(/^[0-9a-f]{64}\b/gm) ?? [];
  expect(ids.length, 'an inspect printed a container ID').toBeGreaterThan(0);
  return ids.at(-1)!;
}

/** The lesson's containers on the service, removed so each language starts from none. */
async function removeLessonContainers(): Promise<void> {
  for (const name of ['k-host', 'k-limit', 'k-files']) {
    const res = await fetch(`${kernel.url}/containers/${name}?force=true`, { method: 'DELETE', headers: { 'x-dockyard-token': kernel.token } });
    expect([204, 404], `remove ${name}`).toContain(res.status);
  }
}

for (const lang of LANGS) {
  test(`lesson 3 runs its kernel steps on a connected kernel service, and what they name is there on the host (${lang})`, async ({ page, baseURL }) => {
    test.setTimeout(6 * 60_000);
    await removeLessonContainers();
    await useLanguage(page, lang);
    const dots = page.locator('.dots .dot');

    // Without a kernel service the lesson is complete without its kernel steps.
    await page.goto(`${baseURL}/`);
    await engineReady(page);
    await page.locator('[data-lesson="03-namespaces-cgroups"]').click();
    await expect(dots).toHaveCount(5);

    // Opened from the link the service prints: the kernel steps join the lesson, at its end.
    const link = /open the playground connected to this service:\n\s+(\S+)/.exec(kernel.banner)![1];
    await page.goto('about:blank'); // a new document: the link is read when the page starts
    await page.goto(link);
    await engineReady(page);
    await expect(page.getByTestId('kernel-status')).toHaveClass(/\bconnected\b/, { timeout: 15_000 });
    await expect(page.getByTestId('kernel-status')).toContainText(`127.0.0.1:${kernel.port}`);
    await expect(dots).toHaveCount(8);
    await dots.nth(5).click();
    const step = page.getByTestId('tutorial-step');
    await expect(step).toHaveAttribute('data-step', 'kernel-hostname');

    // A wrong action: the same command on the browser engine (tab 1) leaves the kernel check red.
    await typeLine(page, 'docker run --name k-host box hostname', 1);
    await waitAllIdle(page);
    await expect(page.getByTestId('tutorial-hint')).toContainText('kernel', { timeout: 30_000 });
    await expect(step).toHaveAttribute('data-status', 'failed');

    // Following the step: its commands open a tab on the kernel service and the check turns green.
    await completeStep(page, `${lang} lesson 3 kernel-hostname`);
    await expect(page.getByTestId('tab-badge-2')).toHaveText('kernel');
    const hostTab = await screenText(page, 2);
    // Two hostnames: the container's (its short ID, set in its UTS namespace) and the machine's.
    expect(hostTab).toMatch(/^[0-9a-f]{12}$/m);
    expect(hostTab.split('\n')).toContain(hostname());

    await page.getByTestId('tutorial-next').click();
    await expect(step).toHaveAttribute('data-step', 'kernel-cgroup');
    await completeStep(page, `${lang} lesson 3 kernel-cgroup`);
    const limited = await lastId(page, 2);
    expect(await screenText(page, 2)).toContain(`${limited} 16777216`);
    // The step's words: the kernel holds the container to 16 MiB plus 96 MiB for Node.js.
    const cgroup = `/sys/fs/cgroup/memory/dockyard/dockyard-${limited}`;
    expect(readFileSync(join(cgroup, 'memory.limit_in_bytes'), 'utf8').trim()).toBe('117440512');
    expect(readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').trim()).toMatch(/^\d+/);

    await page.getByTestId('tutorial-next').click();
    await expect(step).toHaveAttribute('data-step', 'kernel-overlay');
    await completeStep(page, `${lang} lesson 3 kernel-overlay`);
    const screen = await screenText(page, 2);
    expect(screen).toMatch(/^A \/tmp\/note$/m);
    // The step's words: inspect prints the upper directory (GraphDriver.Data.UpperDir), and the file is there on the host.
    const upper = screen.match(/^\/\S+\/containers\/[0-9a-f]{64}\/upper$/m)?.[0];
    expect(upper, 'docker inspect printed the upper directory').toBeDefined();
    expect(readFileSync(join(upper!, 'tmp', 'note'), 'utf8')).toBe('mine\n');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `docs/screenshots/tutorial-kernel-${lang}.png` });
  });
}
