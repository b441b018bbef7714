/**
 * The differences between the two engines that are inherent to their hosts, each asserted exactly:
 * what differs, and that nothing else in the same output does. The list (and how the parity view
 * recognises each one) is web/Parity/known-differences.ts; README.md lists them for people.
 */
import { describe, expect, it } from 'vitest';
import { KNOWN_DIFFERENCES, knownDifferenceFor } from '../../web/Parity/known-differences.ts';
import { useParity } from './parity-harness.ts';

const h = useParity(['box']);

/** The lines of a and b that differ, paired by position (the outputs below have the same shape). */
function differingLines(a: string, b: string): Array<[string, string]> {
  const x = a.split('\n');
  const y = b.split('\n');
  const out: Array<[string, string]> = [];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) out.push([x[i], y[i]]);
  return out;
}

describe('known differences (inherent to the hosts)', () => {
  it('known difference "server-os": docker version says OS/Arch wasi/wasm in the browser, linux/wasm on the kernel service; nothing else differs', async () => {
    const r = await h.both(['version']);
    expect([r.browser.code, r.kernel.code]).toEqual([0, 0]);
    expect(differingLines(r.browser.stdout, r.kernel.stdout)).toEqual([['  OS/Arch:          wasi/wasm', '  OS/Arch:          linux/wasm']]);
    for (const [b, k] of differingLines(r.browser.stdout, r.kernel.stdout)) expect(knownDifferenceFor(b, k)?.id).toBe('server-os');
  });

  it('known difference "system-info": docker info names each host\'s storage driver, kernel, OS, memory and name; the counts agree', async () => {
    const r = await h.both(['info']);
    expect([r.browser.code, r.kernel.code]).toEqual([0, 0]);
    const field = (out: string, key: string) => new RegExp(`^ ${key}: (.*)$`, 'm').exec(out)?.[1];
    expect(field(r.browser.stdout, 'Storage Driver')).toBe('memfs');
    expect(field(r.kernel.stdout, 'Storage Driver')).toBe('overlay2');
    expect(field(r.browser.stdout, 'OSType')).toBe('wasi');
    expect(field(r.kernel.stdout, 'OSType')).toBe('linux');
    const hostLines = /^\s*(Storage Driver|Kernel Version|Operating System|OSType|Total Memory|Name|CPUs):|^\s+(wasi|seccomp|Profile: \S+|no-new-privileges)$/;
    const strip = (out: string) => out.split('\n').filter((l) => !hostLines.test(l)).join('\n');
    // Everything that is not about the host - client, counts, server version, architecture - is the same.
    expect(strip(r.browser.stdout)).toBe(strip(r.kernel.stdout));
    expect(r.browser.stdout).toContain(' Architecture: wasm\n');
  });

  it('every known difference has a test here and a line in README.md', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Known differences'));
    for (const d of KNOWN_DIFFERENCES) expect(section).toContain(`\`${d.id}\``);
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    for (const d of KNOWN_DIFFERENCES) expect(self).toContain(`known difference "${d.id}"`);
  });
});
