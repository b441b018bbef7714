import { describe, it, expect } from 'vitest';
import { humanDuration, statusText } from '../../../engine/core/container-status.ts';
import { rfc3339Nano, ZERO_TIME } from '../../../engine/core/clock.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("Docker's human durations", () => {
  it.each([
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [1 * S, '1 second'],
    [59 * S, '59 seconds'],
    [60 * S, 'About a minute'],
    [119 * S, 'About a minute'],
    [2 * M, '2 minutes'],
    [59 * M, '59 minutes'],
    [60 * M, 'About an hour'],
    [89 * M, 'About an hour'],
    [90 * M, '2 hours'],
    [47 * H, '47 hours'],
    [48 * H, '2 days'],
    [13 * D, '13 days'],
    [14 * D, '2 weeks'],
    [59 * D, '8 weeks'],
    [60 * D, '2 months'],
    [729 * D, '24 months'],
    [730 * D, '2 years'],
  ])('%d ms -> %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('docker ps STATUS', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');
  it('says Created, Up, Exited (code) ago', () => {
    expect(statusText({ Running: false, ExitCode: 0, StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME }, now)).toBe('Created');
    expect(statusText({ Running: true, ExitCode: 0, StartedAt: rfc3339Nano(now - 3 * S), FinishedAt: ZERO_TIME }, now)).toBe('Up 3 seconds');
    expect(statusText({ Running: false, ExitCode: 137, StartedAt: rfc3339Nano(now - H), FinishedAt: rfc3339Nano(now - 5 * M) }, now)).toBe('Exited (137) 5 minutes ago');
    expect(statusText({ Running: false, Dead: true, ExitCode: 1, StartedAt: rfc3339Nano(now - H), FinishedAt: rfc3339Nano(now) }, now)).toBe('Dead');
  });

  it('formats times as RFC 3339 with nine fraction digits', () => {
    expect(rfc3339Nano(Date.parse('2026-11-20T10:00:00.123Z'))).toBe('2026-11-20T10:00:00.123000000Z');
  });
});
