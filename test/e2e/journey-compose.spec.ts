import { test, expect } from '@playwright/test';
import { expectNoOutput, expectOutput, openPlayground, runFresh } from './journey-support.ts';

// A learner's first Compose project (issue 18 §2) in the real page and the browser engine: the
// workspace ships examples/hits with a compose.yaml; `docker compose up -d` builds web, pulls kv
// and starts both; the Containers view shows them as one project with its published port, and
// its Down button takes the project down as `docker compose -p hits down` does.
test('docker compose up -d in examples/hits, the project in the Containers view, Down', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openPlayground(page);
  await expect(page.getByTestId('engine-indicator')).toHaveClass(/ready/, { timeout: 30_000 });

  // A first visit writes the workspace's examples while the page starts: cd once they are there.
  await expect(async () => {
    await runFresh(page, 'cd examples/hits');
    await expectOutput(page, 'learner@dockyard:~/examples/hits$', 1, 2_000);
  }).toPass({ timeout: 30_000 });
  await runFresh(page, 'docker compose up -d', 1, 180_000);
  await expectOutput(page, 'Container hits-web-1  Started', 1, 30_000);
  await runFresh(page, 'docker compose ps --services');
  await expectOutput(page, /^web$/m);

  await page.getByTestId('nav-containers').click();
  const project = page.locator('[data-testid="container-group"][data-project="hits"]');
  await expect(project).toContainText('Compose project · 2 containers');
  await expect(project.getByRole('link', { name: 'hits-web-1' })).toBeVisible();
  await expect(project.getByRole('link', { name: 'hits-kv-1' })).toBeVisible();
  await expect(project.getByTestId('port-link-8080')).toBeVisible();

  await project.getByRole('button', { name: 'Down' }).click();
  await expect(project).toHaveCount(0, { timeout: 60_000 });
  await runFresh(page, 'docker network ls --format {{.Name}}');
  await expectOutput(page, /^none$/m);
  await expectNoOutput(page, 'hits_default');
});
