/**
 * Images move between the engines through the kernel service's registry (/v2/): the browser engine
 * pushes `127.0.0.1:PORT/name` (its DistributionClient, with the service's token as the Basic
 * password, shared by the page as the playground does once connected), the kernel service pulls it
 * back, and the other way round. The image ID is the same wherever the image goes.
 */
import { describe, expect, it } from 'vitest';
import { expectSame, useParity } from './parity-harness.ts';
import { missingImageHint } from '../../engine/cli/registry-hint.ts';

let registry: string;

const h = useParity(['box'], async (opened) => {
  registry = `127.0.0.1:${opened.kernel.port}`;
  await opened.page.evaluate(([url, token]) => window.parity.shareKernel(url, token), [opened.kernel.url, opened.kernel.token] as const);
});

describe('an image the built-in registry does not have', () => {
  const denied = "pull access denied for nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";
  // After Docker's words both engines' CLI names the images the registry has (engine/cli/registry-hint.ts).
  const hint = `${missingImageHint(denied)}\n`;

  it("pull of a missing repository or tag: Docker's words and exit 1 on both (never the site's page read as a layout)", async () => {
    const missing = await h.both(['pull', 'nosuchimage']);
    expectSame(missing);
    expect(missing.browser).toEqual({ code: 1, stdout: 'Using default tag: latest\n', stderr: `Error response from daemon: ${denied}\n${hint}` });
    const tag = await h.both(['pull', 'box:nosuchtag']);
    expectSame(tag);
    expect(tag.browser).toEqual({ code: 1, stdout: '', stderr: 'Error response from daemon: manifest for box:nosuchtag not found: manifest unknown: manifest unknown\n' });
  });

  it('run of a missing image: 125 after "Unable to find image" on both', async () => {
    const run = await h.both(['run', '--rm', 'nosuchimage']);
    expectSame(run);
    expect(run.browser.code).toBe(125);
    expect(run.browser.stderr).toBe(`Unable to find image 'nosuchimage:latest' locally\ndocker: Error response from daemon: ${denied}.\nSee 'docker run --help'.\n${hint}`);
  });
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
