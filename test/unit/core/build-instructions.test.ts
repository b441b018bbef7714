import { describe, expect, it } from 'vitest';
import type { BuildOptions } from '../../../engine/engine.ts';
import { goDuration } from '../../../engine/core/build-steps.ts';
import { isEngineError } from '../../../engine/errors.ts';
import { boxHosts } from './support/box-hosts.ts';
import type { TestHost } from './support/test-host.ts';
import { run } from './support/run.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const hosts = boxHosts();
const host = () => hosts.host();

const files = (f: Record<string, string>) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, enc(v)]));

async function build(h: TestHost, options: Omit<BuildOptions, 'onProgress'>): Promise<{ id: string; text: string }> {
  let text = '';
  const result = await h.engine.build({ ...options, onProgress: (e) => (text += e.stream ?? '') });
  return { id: result.ImageId, text };
}

async function output(h: TestHost, image: string, cmd: string[]): Promise<string> {
  return (await run(h.engine, { Image: image, Cmd: cmd })).stdout;
}

const STAGES = 'FROM box AS base\nRUN echo base > /stage\nFROM base AS Second\nRUN echo second >> /stage\nFROM box\nRUN echo last > /stage\n';

describe('docker build, the instructions and flags of issue 21', () => {
  it('--target builds up to and including that stage (names in any case), no further', async () => {
    const h = await host();
    const base = await build(h, { context: files({ Dockerfile: STAGES }), target: 'base', tags: ['t'] });
    expect(base.text).toContain('Step 2/2 : RUN echo base > /stage');
    expect(base.text).not.toContain('second');
    expect(await output(h, 't', ['cat', '/stage'])).toBe('base\n');
    await build(h, { context: files({ Dockerfile: STAGES }), target: 'SECOND', tags: ['t'] });
    expect(await output(h, 't', ['cat', '/stage'])).toBe('base\nsecond\n');
    await expect(build(h, { context: files({ Dockerfile: STAGES }), target: 'nosuch' })).rejects.toThrow('failed to reach build target nosuch in Dockerfile');
  });

  it("a failing RUN carries the step's own status; its stderr comes in Docker's red", async () => {
    const h = await host();
    const err = await build(h, { context: files({ Dockerfile: 'FROM box\nRUN echo oops >&2; exit 3\n' }) }).catch((e: unknown) => e);
    expect(isEngineError(err) && err.details?.exitCode).toBe(3);
    expect((err as Error).message).toBe("The command '/bin/sh -c echo oops >&2; exit 3' returned a non-zero code: 3");
    const seen = await build(h, { context: files({ Dockerfile: 'FROM box\nRUN echo warn >&2\n' }) });
    // Each write to stderr is wrapped (box's echo writes the word and the newline apart).
    expect(seen.text.replaceAll('\x1b[0m\x1b[91m', '')).toContain('\x1b[91mwarn\n\x1b[0m');
  });

  it('SHELL, HEALTHCHECK and ONBUILD go into the config; triggers run in the next build and are not inherited', async () => {
    const h = await host();
    const dockerfile = ['FROM box', 'SHELL ["/bin/echo", "via"]', 'RUN shell form', 'SHELL ["/bin/sh", "-ec"]', 'HEALTHCHECK --interval=5s --retries=2 CMD ["true"]', 'ONBUILD RUN echo triggered > /trigger', 'EXPOSE 8080', ''].join('\n');
    const first = await build(h, { context: files({ Dockerfile: dockerfile }), tags: ['parent'] });
    expect(first.text).toContain('via shell form\n');
    const parent = await h.engine.inspectImage('parent');
    const config = parent.Config as Record<string, unknown>;
    expect(config.Shell).toEqual(['/bin/sh', '-ec']);
    expect(config.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 5_000_000_000, Retries: 2 });
    expect(config.OnBuild).toEqual(['RUN echo triggered > /trigger']);
    const history = (await h.engine.history('parent')).map((e) => e.CreatedBy);
    expect(history.slice(0, 4)).toEqual([
      '/bin/sh -ec #(nop)  EXPOSE 8080',
      '/bin/sh -ec #(nop)  ONBUILD RUN echo triggered > /trigger',
      '/bin/sh -ec #(nop)  HEALTHCHECK &{["CMD" "true"] "5s" "0s" "0s" "0s" \'\\x02\'}',
      '/bin/sh -ec #(nop)  SHELL [/bin/sh -ec]',
    ]);
    expect(history).toContain('/bin/echo via shell form');
    const child = await build(h, { context: files({ Dockerfile: 'FROM parent\nHEALTHCHECK NONE\n' }), tags: ['child'] });
    expect(child.text).toMatch(/Step 1\/2 : FROM parent\n# Executing 1 build trigger\n ---> Running in [0-9a-f]{12}\n ---> Removed intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\nStep 2\/2 : HEALTHCHECK NONE\nNote: overriding previous HEALTHCHECK: \[CMD true\]\n/);
    const childConfig = (await h.engine.inspectImage('child')).Config as Record<string, unknown>;
    expect(childConfig.OnBuild).toBeUndefined();
    expect(childConfig.Healthcheck).toEqual({ Test: ['NONE'], Interval: 5_000_000_000, Retries: 2 });
    expect(childConfig.Shell).toEqual(['/bin/sh', '-ec']);
    expect(await output(h, 'child', ['cat', '/trigger'])).toBe('triggered\n');
  });

  it('symbolic links in the context: unused ones are fine, a copied directory keeps them, a named one is followed', async () => {
    const h = await host();
    const links = { 'dangling': 'nowhere', 'dir/inner': '../real.txt', 'named': 'real.txt' };
    await build(h, { context: files({ Dockerfile: 'FROM box\nRUN true\n' }), links });
    const dockerfile = 'FROM box\nCOPY dir /copied/\nCOPY named /named.txt\n';
    await build(h, { context: files({ Dockerfile: dockerfile, 'real.txt': 'real\n' }), links, tags: ['linked'] });
    expect(await output(h, 'linked', ['readlink', '/copied/inner'])).toBe('../real.txt\n');
    expect(await output(h, 'linked', ['cat', '/named.txt'])).toBe('real\n');
    await expect(build(h, { context: files({ Dockerfile: 'FROM box\nCOPY dangling /x\n' }), links })).rejects.toThrow(/COPY failed: file not found in build context/);
  });

  it("Go's Duration.String for the history", () => {
    expect([0, 5e9, 1.5e9, 90e9, 7.2e12, 5e8, 1500].map(goDuration)).toEqual(['0s', '5s', '1.5s', '1m30s', '2h0m0s', '500ms', '1.5µs']);
  });
});
