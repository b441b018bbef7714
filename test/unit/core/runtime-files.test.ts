import { describe, expect, it } from 'vitest';
import { hostsFile, isRuntimeFile, runtimeFiles } from '../../../engine/core/runtime-files.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('runtime files: /etc/hostname and /etc/hosts, one rule for both hosts', () => {
  it('hostname holds the container\'s hostname; hosts is Docker\'s file for a container without a network', () => {
    const files = runtimeFiles({ hostname: 'parity', mounts: [] });
    expect(files.map((f) => [f.path, text(f.content), f.mode])).toEqual([
      ['/etc/hostname', 'parity\n', 0o644],
      ['/etc/hosts', hostsFile(), 0o644],
    ]);
    expect(hostsFile().split('\n')[0]).toBe('127.0.0.1\tlocalhost');
    expect(hostsFile()).not.toContain('parity');
  });

  it('a mount of the container\'s own at one of the paths replaces that file (Docker leaves it alone)', () => {
    const files = runtimeFiles({ hostname: 'h', mounts: [{ volume: 'v', target: '/etc/hosts', readOnly: false }, { volume: 'w', target: '/etc', readOnly: false }] });
    expect(files.map((f) => f.path)).toEqual(['/etc/hostname']);
  });

  it('only the exact paths are runtime files', () => {
    expect(['/etc/hostname', '/etc/hosts', '/etc/hosts.allow', '/etc', '/hostname'].map(isRuntimeFile)).toEqual([true, true, false, false, false]);
  });
});
