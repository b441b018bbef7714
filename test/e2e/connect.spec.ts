/**
 * Connecting the playground to a kernel service (issue 8), in Chromium against the built site:
 * the service is started by the test (as root: overlayfs + runc), the page is opened from the link
 * its start banner prints, a terminal tab switched to the kernel service runs a container there,
 * the parity view runs the same command on both engines side by side, and a lost connection is
 * shown - never silently replaced by the browser engine.
 */
import { test, expect } from '@playwright/test';
import { startKernelService, type KernelService } from '../parity/kernel-service.ts';
import { expectOutput, run, runFresh, screen, screenText } from './journey-support.ts';

let kernel: KernelService;

test.describe('connect to a kernel service', () => {
  test.setTimeout(180_000);

  test.beforeAll(async ({ baseURL }) => {
    kernel = await startKernelService({ allowOrigin: [], playground: `${baseURL}/` });
  });
  test.afterAll(async () => {
    await kernel?.stop();
  });

  test('open the link the service prints, run on the kernel from a terminal, compare side by side', async ({ page, baseURL }) => {
    const link = /open the playground connected to this service:\n\s+(\S+)/.exec(kernel.banner)?.[1];
    expect(link).toBe(`${baseURL}/#connect=${kernel.url}&token=${kernel.token}`);

    await page.goto(link!);
    await expect(screen(page)).toContainText('learner@dockyard', { timeout: 15_000 });
    await expect(page.getByTestId('kernel-status')).toHaveText(`Kernel: 127.0.0.1:${kernel.port}`, { timeout: 15_000 });
    // The token left the address bar; the views follow the service the link named.
    expect(page.url()).not.toContain(kernel.token);
    await expect(page.getByTestId('view-engine-kernel')).toHaveAttribute('aria-pressed', 'true');

    // Terminal 1 starts on the browser engine; one click moves it to the kernel service.
    await expect(page.getByTestId('tab-engine-browser')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('tab-engine-kernel').click();
    await expect(page.getByTestId('engine-per-tab')).toContainText(`Terminal 1: Kernel service (127.0.0.1:${kernel.port})`);
    await expect(page.getByTestId('tab-badge-1')).toHaveText('kernel');
    await runFresh(page, 'docker run --rm box echo hi', 1, 60_000);
    await expectOutput(page, /^hi$/m);
    await runFresh(page, 'docker info --format "{{.OSType}} {{.Driver}}"');
    await expectOutput(page, 'linux overlay2');

    // The same command on both engines, side by side. The kernel service has box already (the
    // terminal pulled it), the browser engine not: pulled on both first, so only the run is compared.
    await page.getByTestId('nav-parity').click();
    await page.getByTestId('parity-input').fill('docker pull -q box');
    await page.getByTestId('parity-run').click();
    await expect(page.getByTestId('parity-result').first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('parity-result').first().getByTestId('parity-verdict')).toHaveText('same on both', { timeout: 60_000 });
    await page.getByTestId('parity-input').fill('docker run --rm box echo hi');
    await page.getByTestId('parity-run').click();
    const result = page.getByTestId('parity-result').first();
    await expect(result).toBeVisible({ timeout: 60_000 });
    await expect(result.getByTestId('parity-verdict')).toHaveText('same on both');
    await expect(result.getByTestId('parity-exit').locator('[data-side=browser]')).toHaveText('0');
    await expect(result.getByTestId('parity-exit').locator('[data-side=kernel]')).toHaveText('0');
    await expect(result.getByTestId('parity-stdout').locator('[data-side=browser]')).toHaveText(['hi']);
    await expect(result.getByTestId('parity-stdout').locator('[data-side=kernel]')).toHaveText(['hi']);
    await expect(result.getByTestId('parity-stdout')).toHaveAttribute('data-state', 'same');

    // A known difference is marked as known, not as a failure.
    await page.getByTestId('parity-input').fill('docker version');
    await page.getByTestId('parity-run').click();
    const version = page.getByTestId('parity-result').first();
    await expect(version.locator('.line')).toHaveText('$ docker version', { timeout: 30_000 });
    await expect(version.getByTestId('parity-stdout')).toHaveAttribute('data-state', 'known');
    await expect(version.getByTestId('parity-verdict')).toHaveText('same, up to known differences');
    await page.screenshot({ path: 'docs/screens/parity-view.png' });

    // Remembered in this browser: a reload reconnects without the link.
    await page.goto(`${baseURL}/`);
    await expect(page.getByTestId('kernel-status')).toHaveText(`Kernel: 127.0.0.1:${kernel.port}`, { timeout: 15_000 });

    // Lost: the header says so and the tab on the kernel service does not fall back to the browser engine.
    await page.getByTestId('tab-engine-kernel').click();
    kernel.child.kill('SIGKILL');
    await expect(page.getByTestId('kernel-status')).toContainText('connection lost, retrying', { timeout: 20_000 });
    await run(page, 'docker run --rm box echo still-here', 1, 30_000);
    await expectOutput(page, /lost the connection to the kernel service/);
    // The command line shows the words; no container printed them.
    expect(await screenText(page)).not.toMatch(/^still-here$/m);
  });
});
