import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectRun } from './harness.ts';

const HELLO = new Uint8Array(readFileSync(new URL('../../../images/hello-world/hello.wasm', import.meta.url)));

describe('hello-world', () => {
  it('explains what just happened, identically on both hosts', async () => {
    const [r] = await expectRun(['/hello'], { stdout: expect.any(String) as unknown as string }, { files: { '/hello': HELLO } });
    expect(r.stdout).toMatch(/^\nHello from Dockyard!\n/);
    for (const step of ['client passed your command', 'pulled it', 'created a container', 'streamed everything it printed']) expect(r.stdout).toContain(step);
    expect(r.stdout).toContain('docker run -it box sh');
  });
  it('stays tiny', () => {
    expect(HELLO.length).toBeLessThan(16 * 1024);
  });
});
