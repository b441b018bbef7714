/**
 * Images move between the engines through the kernel service's registry (/v2/): the browser engine
 * pushes `127.0.0.1:PORT/name` (its DistributionClient, with the service's token as the Basic
 * password, shared by the page as the playground does once connected), the kernel service pulls it
 * back, and the other way round. The image ID is the same wherever the image goes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSame, openParity, type ParityHarness } from './parity-harness.ts';

let h: ParityHarness;
let registry: string;

beforeAll(async () => {
  h = await openParity();
  registry = `127.0.0.1:${h.kernel.port}`;
  await h.page.evaluate(([url, token]) => window.parity.shareKernel(url, token), [h.kernel.url, h.kernel.token] as const);
  expectSame(await h.both(['pull', '-q', 'box']));
});
afterAll(async () => {
  await h?.close();
});

describe('push and pull between the engines', () => {
  it('the browser engine pushes to the kernel service\'s registry; the kernel service pulls the same image back', async () => {
    const ref = `${registry}/moved/box:1`;
    expect(await h.onBrowser(['tag', 'box', ref])).toEqual({ code: 0, stdout: '', stderr: '' });
    const pushed = await h.onBrowser(['push', ref]);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toMatch(/^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    const pulled = await h.onKernel(['pull', ref]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expectSame(await h.both(['image', 'inspect', '-f', '{{.Id}} {{json .RootFS.Layers}}', ref]));
    expectSame(await h.both(['run', '--rm', ref, 'echo', 'moved']));
  });

  it('the kernel service commits and pushes; the browser engine pulls and runs it', async () => {
    const ref = `${registry}/moved/made:1`;
    expect((await h.onKernel(['run', '--name', 'kernel-made', 'box', 'sh', '-c', 'echo made on the kernel > /made'])).code).toBe(0);
    expect((await h.onKernel(['commit', 'kernel-made', ref])).code).toBe(0);
    const pushed = await h.onKernel(['push', ref]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const pulled = await h.onBrowser(['pull', ref]);
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
    expectSame(await h.both(['image', 'inspect', '-f', '{{.Id}}', ref]));
    const run = await h.both(['run', '--rm', ref, 'cat', '/made']);
    expectSame(run);
    expect(run.browser.stdout).toBe('made on the kernel\n');
  });

  it('without the token the browser engine is refused, with docker\'s words', async () => {
    await h.page.evaluate(([url]) => window.parity.shareKernel(url, 'wrong'), [h.kernel.url] as const);
    const ref = `${registry}/moved/refused:1`;
    await h.onBrowser(['tag', 'box', ref]);
    const pushed = await h.onBrowser(['push', ref]);
    expect(pushed.code).toBe(1);
    expect(pushed.stderr).toMatch(/unauthorized|refused the credentials/);
  });
});
