/**
 * The WASI process runner in Chromium: one Worker per container, @wasmer/wasi, streamed stdio,
 * Atomics stdin, kill, the memory limit, exec and live diff through the control block.
 */
import { test, expect, type Page } from '@playwright/test';
import { probeWasm } from './probe.ts';

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    dockyard: any;
  }
}

async function openPage(page: Page, key = 'c1') {
  await page.goto('/test/browser/engine.html');
  await expect(page.locator('#status')).toHaveText('ready');
  await page.evaluate(([k, bytes]) => window.dockyard.setRoot(k, { '/bin/probe': bytes }), [key, probeWasm()] as const);
}

test.describe('WASI runner', () => {
  test('the page is cross-origin isolated (SharedArrayBuffer stdin)', async ({ page }) => {
    await openPage(page);
    expect(await page.evaluate(() => window.dockyard.isolated)).toBe(true);
  });

  test('runs a program: stdout, stderr, args, env, PWD and exit status', async ({ page }) => {
    await openPage(page);
    const hello = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'hello'] }));
    expect(hello.exit).toEqual({ exitCode: 0, oomKilled: false });
    expect(hello.stdout).toBe('Hello from Dockyard!\n');
    const args = await page.evaluate(() => window.dockyard.run('c1', { args: ['probe', 'args', 'a b', ''], env: ['PATH=/bin', 'HOME=/root'], cwd: '/tmp' }));
    expect(args.stdout).toBe('[probe][args][a b][] PWD=/tmp HOME=/root\n');
    const err = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'stderr'] }));
    expect(err.stderr).toBe('to stderr\n');
    expect(err.stdout).toBe('');
    const three = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'exit', '3'] }));
    expect(three.exit.exitCode).toBe(3);
  });

  test('a missing program is 127, a trap is 134 with a message', async ({ page }) => {
    await openPage(page);
    const missing = await page.evaluate(() => window.dockyard.run('c1', { args: ['nosuch'] }));
    expect(missing.exit.exitCode).toBe(127);
    expect(missing.exit.error).toContain('executable file not found in $PATH');
    const trap = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'trap'] }));
    expect(trap.exit.exitCode).toBe(134);
    expect(trap.stderr).toContain('unreachable');
  });

  test('stdout streams out while the process still runs, stdin is interactive', async ({ page }) => {
    await openPage(page);
    const id = await page.evaluate(() => window.dockyard.start('c1', { args: ['/bin/probe', 'first-then-stdin'], stdin: true }));
    await expect.poll(() => page.evaluate((i) => window.dockyard.output(i), id)).toBe('first\n');
    // Still running: it waits for stdin to close.
    expect(await page.evaluate((i) => window.dockyard.handles[i].exitAt, id)).toBe(-1);
    await page.evaluate((i) => window.dockyard.write(i, 'x'.repeat(100000)), id);
    await page.evaluate((i) => window.dockyard.closeStdin(i), id);
    await page.evaluate((i) => window.dockyard.wait(i), id);
    expect(await page.evaluate((i) => window.dockyard.output(i), id)).toBe('first\nsecond after 100000 bytes\n');
  });

  test('interactive stdin: each line is answered as it arrives', async ({ page }) => {
    await openPage(page);
    const id = await page.evaluate(() => window.dockyard.start('c1', { args: ['/bin/probe', 'cat'], stdin: true }));
    await page.evaluate((i) => window.dockyard.write(i, 'one\n'), id);
    await expect.poll(() => page.evaluate((i) => window.dockyard.output(i), id)).toBe('> one\n');
    await page.evaluate((i) => window.dockyard.write(i, 'two\n'), id);
    await expect.poll(() => page.evaluate((i) => window.dockyard.output(i), id)).toBe('> one\n> two\n');
    await page.evaluate((i) => window.dockyard.closeStdin(i), id);
    expect((await page.evaluate((i) => window.dockyard.wait(i), id)).exitCode).toBe(0);
  });

  test('without -i stdin reads as empty', async ({ page }) => {
    await openPage(page);
    const r = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'first-then-stdin'] }));
    expect(r.stdout).toBe('first\nsecond after 0 bytes\n');
  });

  test('HOSTILE 29: a runaway loop is killed (137) and the page stays responsive', async ({ page }) => {
    await openPage(page);
    const id = await page.evaluate(() => window.dockyard.start('c1', { args: ['/bin/probe', 'loop'] }));
    await expect.poll(() => page.evaluate((i) => window.dockyard.output(i), id)).toBe('looping\n');
    // The page answers while the loop runs in its Worker.
    expect(await page.evaluate(() => 6 * 7)).toBe(42);
    await page.evaluate((i) => window.dockyard.kill(i, 'SIGTERM'), id);
    expect(await page.evaluate((i) => window.dockyard.handles[i].exitAt, id)).toBe(-1);
    await page.evaluate((i) => window.dockyard.kill(i, 'SIGKILL'), id);
    expect(await page.evaluate((i) => window.dockyard.wait(i), id)).toEqual({ exitCode: 137, oomKilled: false });
  });

  test('HOSTILE 30: growing memory past the limit ends the process with 137 and oomKilled', async ({ page }) => {
    await openPage(page);
    const r = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'hog'], memoryBytes: 16 * 1024 * 1024 }));
    expect(r.exit).toEqual({ exitCode: 137, oomKilled: true });
    expect(r.stdout).toContain('8 MiB');
    expect(r.stdout).not.toContain('16 MiB');
    // A limit below the module's initial memory: it cannot even start.
    const tiny = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'hello'], memoryBytes: 65536 }));
    expect(tiny.exit).toEqual({ exitCode: 137, oomKilled: true });
  });

  test('the container keeps its file changes across runs; /etc/hostname is the runtime\'s', async ({ page }) => {
    await openPage(page);
    expect((await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'write', '/note', 'kept'] }))).exit.exitCode).toBe(0);
    const files = await page.evaluate(() => window.dockyard.files('c1'));
    expect(files['/note']).toBe('kept');
    expect(files['/etc/hostname']).toBeUndefined();
    const read = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'read', '/note'] }));
    expect(read.stdout).toBe('kept');
    const host = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'read', '/etc/hostname'] }));
    expect(host.stdout).toBe('box1\n');
    await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'rm', '/note'] }));
    expect((await page.evaluate(() => window.dockyard.files('c1')))['/note']).toBeUndefined();
  });

  test('exec and live diff are served while the main process sleeps', async ({ page }) => {
    await openPage(page);
    const main = await page.evaluate(() => window.dockyard.start('c1', { args: ['/bin/probe', 'sleep', '3000'] }));
    await expect.poll(() => page.evaluate((i) => window.dockyard.output(i), main)).toBe('sleeping\n');
    const exec = await page.evaluate(() => window.dockyard.run('c1', { args: ['probe', 'write', '/live.txt', 'from exec'] }));
    expect(exec.exit.exitCode).toBe(0);
    const delta = await page.evaluate(() => window.dockyard.liveDelta('c1'));
    expect(delta.written.map(([p]: [string]) => p)).toContain('/live.txt');
    const cat = await page.evaluate(() => window.dockyard.run('c1', { args: ['probe', 'read', '/live.txt'] }));
    expect(cat.stdout).toBe('from exec');
    await page.evaluate((i) => window.dockyard.wait(i), main);
    expect(await page.evaluate((i) => window.dockyard.output(i), main)).toBe('sleeping\nwoke\n');
    expect((await page.evaluate(() => window.dockyard.files('c1')))['/live.txt']).toBe('from exec');
  });

  test('dockyard.spawn runs another module on the same file system', async ({ page }) => {
    await openPage(page);
    const inherit = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'spawn', '/bin/probe', '', 'probe', 'args', 'x'] }));
    expect(inherit.stdout).toBe('[probe][args][x] PWD=/ HOME=\nspawn result kind=0 value=0\n');
    const toFile = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'spawn', '/bin/probe', '/out.txt', 'probe', 'exit', '7'] }));
    expect(toFile.stdout).toBe('spawn result kind=0 value=7\n');
    const missing = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'spawn', '/bin/none', '', 'none'] }));
    expect(missing.stdout).toBe('spawn result kind=1 value=1\n');
    const trapped = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'spawn', '/bin/probe', '', 'probe', 'trap'] }));
    expect(trapped.stdout).toContain('spawn result kind=2 value=6\n');
  });

  test('without cross-origin isolation containers still run; stdin falls back to empty', async ({ page }) => {
    // Serve the page without COOP/COEP: no SharedArrayBuffer.
    await page.route('**/test/browser/engine.html', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    await openPage(page);
    expect(await page.evaluate(() => window.dockyard.isolated)).toBe(false);
    const hello = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'hello'] }));
    expect(hello.stdout).toBe('Hello from Dockyard!\n');
    const stdin = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'first-then-stdin'], stdin: true }));
    expect(stdin.stdout).toBe('first\nsecond after 0 bytes\n');
    const sleep = await page.evaluate(() => window.dockyard.run('c1', { args: ['/bin/probe', 'sleep', '50'] }));
    expect(sleep.stdout).toBe('sleeping\nwoke\n');
  });
});
