/**
 * Both engines, one command line: `both(argv)` runs the same `docker ...` through engine/cli's
 * runDocker on the browser engine (in Chromium, test/parity/page) and on the kernel service (in
 * Node, DockerApiEngine over HTTP + attach/ws), and returns both results for the test to compare.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import WebSocket from 'ws';
import { DockerApiEngine, type WebSocketConstructor } from '../../engine/docker-api/client.ts';
import { runDocker } from '../../engine/cli/index.ts';
import { folderIO, type DockerOptions, type DockerResult } from './docker-result.ts';
import { startKernelService, type KernelService } from './kernel-service.ts';

export type { DockerResult } from './docker-result.ts';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Both {
  browser: DockerResult;
  kernel: DockerResult;
}

export interface ParityHarness {
  kernel: KernelService;
  kernelEngine: DockerApiEngine;
  page: Page;
  /** The same command on both engines, one after the other (browser first). */
  both(argv: string[], options?: DockerOptions): Promise<Both>;
  onBrowser(argv: string[], options?: DockerOptions): Promise<DockerResult>;
  onKernel(argv: string[], options?: DockerOptions): Promise<DockerResult>;
  close(): Promise<void>;
}

declare global {
  interface Window {
    parity: { docker(db: string, argv: string[], options?: DockerOptions): Promise<DockerResult>; shareKernel(url: string, token: string): void };
  }
}

const decode = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

export async function openParity(): Promise<ParityHarness> {
  const baseUrl = inject('parityBaseUrl');
  const kernel = await startKernelService({ allowOrigin: [baseUrl] });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('[parity page]', e.message));
    await page.goto(`${baseUrl}/test/parity/page/parity.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const db = `parity-${Date.now()}`;
    const kernelEngine = new DockerApiEngine({ baseUrl: kernel.url, token: kernel.token, WebSocket: WebSocket as unknown as WebSocketConstructor });
    const onBrowser = (argv: string[], options: DockerOptions = {}) => page.evaluate(([db, argv, options]) => window.parity.docker(db, argv, options), [db, argv, options] as const);
    const onKernel = async (argv: string[], options: DockerOptions = {}): Promise<DockerResult> => {
      let stdout = '';
      let stderr = '';
      let input = options.stdin === undefined ? null : new TextEncoder().encode(options.stdin);
      const code = await runDocker(kernelEngine, argv, {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        ...(options.stdin === undefined ? {} : { stdin: { read: async () => { const c = input; input = null; return c; } } }),
        now: options.now === undefined ? undefined : () => options.now!,
        ...folderIO(options, decode),
      });
      return { code, stdout, stderr };
    };
    const opened = browser;
    return {
      kernel,
      kernelEngine,
      page,
      onBrowser,
      onKernel,
      async both(argv, options) {
        const b = await onBrowser(argv, options);
        const k = await onKernel(argv, options);
        return { browser: b, kernel: k };
      },
      async close() {
        await opened.close().catch(() => undefined);
        await kernel.stop();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await kernel.stop();
    throw e;
  }
}

/**
 * The harness of one parity file: opened before its tests, closed after them. `prepare` runs first
 * (e.g. sharing the kernel service with the page), then each image in `pull` is pulled on both, so
 * every case compares the containers' own output only. The object is filled in by beforeAll.
 */
export function useParity(pull: string[], prepare?: (h: ParityHarness) => Promise<void>): ParityHarness {
  const h = {} as ParityHarness;
  beforeAll(async () => {
    Object.assign(h, await openParity());
    await prepare?.(h);
    for (const image of pull) expectSame(await h.both(['pull', '-q', image]));
  });
  afterAll(async () => {
    await h.close?.();
  });
  return h;
}

/** A build context directory as DockerOptions.contexts wants it: relative path -> base64. */
export function contextOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p).split(sep).join('/')] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return files;
}

/** Exact agreement: exit status, stdout and stderr of the browser engine equal the kernel service's. */
export function expectSame(r: Both): void {
  expect(shown(r.browser), 'browser engine (+ received) differs from the kernel service (- expected)').toEqual(shown(r.kernel));
}

const shown = (r: DockerResult): DockerResult => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

/** The same result with what is random on every engine (IDs of intermediate containers, given IDs) replaced. */
export function normalized(r: DockerResult, ids: string[] = []): DockerResult {
  const scrub = (t: string) => {
    for (const id of ids) if (id) t = t.split(id).join('<id>').split(id.slice(0, 12)).join('<id12>');
    return t.replace(/Running in [0-9a-f]{12}/g, 'Running in <container>').replace(/intermediate container [0-9a-f]{12}/g, 'intermediate container <container>');
  };
  return { code: r.code, stdout: scrub(r.stdout), stderr: scrub(r.stderr) };
}
