import { test, expect, type Page } from '@playwright/test';
import { expectNoOutput, expectOutput, openPlayground, run, runFresh, screenText, typeLine, waitIdle, focusTerminal } from './journey-support.ts';

// A newcomer's journey through the real page and the real browser engine (issue 5): hello-world,
// an interactive shell, a detached container and its logs, exec from a second tab, editing and
// building the example Dockerfile, its layers and which are shared, commit, and a reload that keeps
// everything. Screenshots of each view go to docs/screens/ (looked at by a person, not compared).

const shots = 'docs/screens';

async function engineReady(page: Page): Promise<void> {
  await expect(page.getByTestId('engine-indicator')).toHaveClass(/ready/, { timeout: 30_000 });
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300); // let the views settle after the last event
  await page.screenshot({ path: `${shots}/${name}.png` });
}

test('a newcomer runs, builds, inspects and commits, and finds it all after a reload', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openPlayground(page);
  await engineReady(page);

  await test.step('docker run hello-world', async () => {
    await runFresh(page, 'docker run hello-world', 1, 60_000);
    await expectOutput(page, 'Hello from Dockyard!');
    await shoot(page, 'terminal-hello-world');
  });

  await test.step('run -it box sh and type commands, Ctrl-D ends it', async () => {
    await run(page, 'clear');
    await typeLine(page, 'docker run -it --name shell1 box sh');
    // A fresh browser: box is pulled first. Type once the shell is there, as a person would.
    await expectOutput(page, 'Downloaded newer image for box:latest', 1, 30_000);
    await page.waitForTimeout(500);
    await page.keyboard.type('echo inside-$((6*7))');
    await page.keyboard.press('Enter');
    await expectOutput(page, 'inside-42');
    await page.keyboard.type('echo hi > /tmp/greeting; cat /tmp/greeting');
    await page.keyboard.press('Enter');
    await expectOutput(page, /^hi$/m);
    await shoot(page, 'terminal-interactive');
    await page.keyboard.press('Control+D');
    await waitIdle(page);
  });

  await test.step('a detached container, its logs followed, Ctrl-C stops following', async () => {
    // Single quotes, as with bash: the container's sh expands $i, not the page's shell.
    await runFresh(page, "docker run -d --name ticker box sh -c 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'");
    await expectOutput(page, /^[0-9a-f]{64}$/m);
    // Tab completes container names.
    await focusTerminal(page);
    await page.keyboard.type('docker logs -f tic');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectOutput(page, '$ docker logs -f ticker');
    await expectOutput(page, 'tick 2');
    await page.keyboard.press('Control+C');
    await waitIdle(page);
  });

  await test.step('exec into it from a second terminal tab', async () => {
    await page.getByRole('button', { name: 'New terminal tab' }).click();
    await run(page, 'docker exec ticker sh -c "echo from-exec; hostname > /tmp/seen"', 2);
    await expectOutput(page, 'from-exec', 2);
    await runFresh(page, 'docker diff ticker', 2);
    await expectOutput(page, 'A /tmp/seen', 2);
    await page.getByRole('tab', { name: 'Terminal 1' }).click();
  });

  await test.step('the Containers view shows instances of their image, live', async () => {
    await page.getByTestId('nav-containers').click();
    await expect(page.getByTestId('container-group').first()).toContainText('box');
    await expect(page.getByRole('link', { name: 'ticker' })).toBeVisible();
    await shoot(page, 'containers');
    await page.getByRole('link', { name: 'ticker' }).click();
    await expect(page.getByTestId('container-state')).toHaveText('running');
    await expect(page.getByTestId('container-logs')).toContainText('tick');
    await page.getByRole('tab', { name: /Writable layer \(diff\)/ }).click();
    await expect(page.getByTestId('container-diff')).toContainText('A /tmp/seen');
    await shoot(page, 'container-detail');
  });

  await test.step('edit the example Dockerfile and build it', async () => {
    await runFresh(page, 'cd ~/examples/greeter && edit Dockerfile');
    const editor = page.getByTestId('editor').locator('.cm-content');
    await expect(editor).toContainText('FROM box');
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('LABEL edited.by="a newcomer"');
    await expect(page.getByTestId('save-state')).toHaveText('Saved');
    await shoot(page, 'workspace-editor');
    await runFresh(page, 'docker build -t mygreeter .', 1, 120_000);
    await expectOutput(page, /Successfully tagged mygreeter:latest/);
    // Tab completes image names.
    await run(page, 'clear');
    await page.keyboard.type('docker run --rm mygr');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitIdle(page, 1, 60_000);
    await expectOutput(page, '$ docker run --rm mygreeter');
    await expectOutput(page, 'Hello from an immutable image!');
  });

  await test.step('the image detail shows its layers and which are shared', async () => {
    await page.goto('/#/images/mygreeter:latest');
    await engineReady(page);
    await expect(page.getByTestId('image-title')).toHaveText('mygreeter:latest');
    const layers = page.getByTestId('layer');
    await expect(layers.first()).toBeVisible();
    // The base layers of box are shared with box itself; the COPY layers are this image's own.
    await expect(page.getByTestId('layer-stack')).toContainText('shared with');
    await expect(page.getByTestId('layer-stack')).toContainText('only this image');
    await expect(page.getByTestId('layer-stack')).toContainText('COPY');
    await layers.filter({ hasText: 'message.txt' }).first().click();
    await expect(page.getByTestId('layer-changes')).toContainText('/app/message.txt');
    await page.getByText('Merged file system up to it').click();
    await expect(page.getByTestId('layer-merged')).toContainText('message.txt');
    await shoot(page, 'image-detail');
    await page.getByTestId('nav-images').click();
    await expect(page.getByTestId('images-table')).toContainText('mygreeter');
    await shoot(page, 'images');
  });

  await test.step('commit a container and see the new layer', async () => {
    await runFresh(page, 'docker commit ticker ticker-snapshot:1');
    await expectOutput(page, /sha256:[0-9a-f]{64}/);
    await page.goto('/#/images/ticker-snapshot:1');
    await engineReady(page);
    await expect(page.getByTestId('image-title')).toHaveText('ticker-snapshot:1');
    // The top layer is the container's writable layer: /tmp/seen from the exec.
    await expect(page.getByTestId('layer-changes')).toContainText('/tmp/seen');
  });

  await test.step('storage, volumes', async () => {
    await run(page, 'docker volume create notes');
    await page.getByTestId('nav-volumes').click();
    await expect(page.getByTestId('volumes-table')).toContainText('notes');
    await shoot(page, 'volumes');
    await page.getByTestId('nav-storage').click();
    await expect(page.getByTestId('sharing-saved')).not.toHaveText('0B');
    await shoot(page, 'storage');
  });

  await test.step('reload: images, containers, volumes and files are still there', async () => {
    await page.goto('/#/images');
    await openPlayground(page, '#/images');
    await engineReady(page);
    await expect(page.getByTestId('images-table')).toContainText('mygreeter');
    await expect(page.getByTestId('images-table')).toContainText('ticker-snapshot');
    await runFresh(page, 'docker ps -a --format "{{.Names}}"');
    await expectOutput(page, /^ticker$/m);
    await expectOutput(page, /^shell1$/m);
    await runFresh(page, 'cat ~/examples/greeter/Dockerfile');
    await expectOutput(page, 'LABEL edited.by="a newcomer"');
    await runFresh(page, 'docker volume ls');
    await expectOutput(page, /local +notes/);
    expect(await screenText(page)).not.toContain('Error');
  });
});

test('Ctrl-C interrupts a foreground container; a second Ctrl-C gives the prompt back', async ({ page }) => {
  await openPlayground(page);
  await engineReady(page);
  await run(page, 'clear');
  await typeLine(page, 'docker run --name forever box sh -c "while true; do echo still-here; sleep 1; done"');
  await expectOutput(page, 'still-here', 1, 30_000);
  // The CLI sends SIGINT; sh as the container's PID 1 has no handler and ignores it, as on Linux.
  await page.keyboard.press('Control+C');
  await page.waitForTimeout(1500);
  await page.keyboard.press('Control+C');
  await waitIdle(page, 1, 10_000);
  await expectOutput(page, 'still running');
  await runFresh(page, 'docker ps --format "{{.Names}} {{.State}}"');
  await expectOutput(page, /^forever running$/m);
  await runFresh(page, 'docker kill forever && docker ps -a --format "{{.Names}} {{.Status}}"');
  await expectOutput(page, /^forever Exited \(137\)/m);
});

test('lines typed while a command runs wait for the prompt, as in a real terminal', async ({ page }) => {
  await openPlayground(page);
  await engineReady(page);
  await run(page, 'clear');
  await focusTerminal(page);
  await page.keyboard.type('docker run --rm hello-world\necho typed-ahead\n');
  await waitIdle(page, 1, 60_000);
  await expectOutput(page, /Hello from Dockyard![\s\S]*\$ echo typed-ahead\ntyped-ahead/);
});

test('the container view stops, starts, commits and removes, and the terminal agrees', async ({ page }) => {
  test.setTimeout(120_000);
  await openPlayground(page, '#/containers');
  await engineReady(page);
  await run(page, 'docker run -d --name web box sh -c "echo up > /srv.txt; while true; do sleep 1; done"', 1, 60_000);
  await page.getByRole('link', { name: 'web' }).click();
  await expect(page.getByTestId('container-state')).toHaveText('running');
  await page.getByRole('tab', { name: /Writable layer \(tree\)/ }).click();
  await expect(page.getByTestId('container-tree')).toContainText('srv.txt');
  await page.getByRole('button', { name: 'Kill', exact: true }).click();
  await expect(page.getByTestId('container-state')).toHaveText('exited');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('container-state')).toHaveText('running');
  await page.getByRole('textbox', { name: 'Commit as image' }).fill('web-snap:2');
  await page.getByRole('button', { name: 'Commit', exact: true }).click();
  await expect(page.getByTestId('image-title')).toHaveText('web-snap:2');
  await expect(page.getByTestId('layer-changes')).toContainText('/srv.txt');
  await page.goto('/#/containers/web');
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page).toHaveURL(/#\/containers$/);
  await runFresh(page, 'docker ps -a --format "{{.Names}}"; docker images --format "{{.Repository}}:{{.Tag}}"');
  await expectNoOutput(page, 'web\n');
  await expectOutput(page, /^web-snap:2$/m);
});

test('engine errors read as docker prints them, never a stack trace', async ({ page }) => {
  await openPlayground(page);
  await engineReady(page);
  await runFresh(page, 'docker run no-such-image-here');
  await expectOutput(page, "Unable to find image 'no-such-image-here:latest' locally");
  await expectOutput(page, /docker: Error response from daemon: .*(not found|does not exist|pull access denied)/i);
  await expectNoOutput(page, 'Unexpected token');
  await runFresh(page, 'docker rm nothing-by-this-name');
  await expectOutput(page, 'Error response from daemon: No such container: nothing-by-this-name');
  await runFresh(page, 'docker run BadName');
  await expectOutput(page, /invalid reference format/);
  const text = await screenText(page);
  expect(text).not.toMatch(/at \S+ \(|\.ts:\d+|EngineError/);
  await focusTerminal(page);
});

test('the views in the dark theme and on a tablet held upright', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openPlayground(page);
  await engineReady(page);
  await run(page, 'docker run --name first hello-world', 1, 60_000);
  await run(page, 'cd ~/examples/layers && docker build -t layers .', 1, 120_000);
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.goto('/#/images/layers:latest');
  await engineReady(page);
  // The layer that wrote numbers.txt wastes its bytes: a later RUN deleted the file.
  await expect(page.getByTestId('layer-stack')).toContainText('wasted');
  await shoot(page, 'image-detail-dark');
  await page.getByTestId('nav-workspace').click();
  await expect(page.getByRole('tree', { name: 'Workspace files' })).toBeVisible();
  await shoot(page, 'workspace-dark');

  await page.setViewportSize({ width: 820, height: 1180 });
  await page.getByTestId('theme-toggle').click();
  await page.getByTestId('nav-containers').click();
  await expect(page.getByRole('link', { name: 'first' })).toBeVisible();
  await shoot(page, 'tablet-containers');
});
