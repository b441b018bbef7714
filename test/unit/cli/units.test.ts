import { describe, expect, it } from 'vitest';
import { bytesSize, ellipsis, formatG, humanDuration, humanSize, humanSizeWithPrecision, ramInBytes, truncateId } from '../../../engine/cli/units.ts';
import { tabwrite } from '../../../engine/cli/table.ts';

describe('sizes as docker prints them', () => {
  it.each([
    [0, '0B'],
    [512, '512B'],
    [999, '999B'],
    [1000, '1kB'],
    [7_500, '7.5kB'],
    [1_234_567, '1.23MB'],
    [12_345_678, '12.3MB'],
    [123_456_789, '123MB'],
    [999_999, '1e+03kB'], // Go's %.3g, exactly as docker images shows it
    [5_000_000_000, '5GB'],
  ])('images SIZE of %d bytes is %s', (bytes, text) => {
    expect(humanSizeWithPrecision(bytes, 3)).toBe(text);
  });

  it('uses 4 significant digits for reclaimed space and binary units for memory', () => {
    expect(humanSize(16_430_000)).toBe('16.43MB');
    expect(bytesSize(2_087_354_368)).toBe('1.944GiB');
    expect(bytesSize(1024)).toBe('1KiB');
  });

  it("formats like Go's %g", () => {
    expect(formatG(1.5, 3)).toBe('1.5');
    expect(formatG(100, 3)).toBe('100');
    expect(formatG(0.0001, 3)).toBe('0.0001');
    expect(formatG(0.00001234, 3)).toBe('1.23e-05');
  });
});

describe('durations as docker prints them', () => {
  it.each([
    [500, 'Less than a second'],
    [1_000, '1 second'],
    [2_000, '2 seconds'],
    [59_000, '59 seconds'],
    [60_000, 'About a minute'],
    [119_000, 'About a minute'],
    [120_000, '2 minutes'],
    [59 * 60_000, '59 minutes'],
    [60 * 60_000, 'About an hour'],
    [89 * 60_000, 'About an hour'],
    [3 * 3_600_000, '3 hours'],
    [47 * 3_600_000, '47 hours'],
    [3 * 86_400_000, '3 days'],
    [20 * 86_400_000, '2 weeks'],
    [90 * 86_400_000, '3 months'],
    [800 * 86_400_000, '2 years'],
  ])('%d ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('memory units', () => {
  it.each([
    ['64m', 64 * 1024 * 1024],
    ['1g', 1024 ** 3],
    ['1G', 1024 ** 3],
    ['512k', 512 * 1024],
    ['100', 100],
    ['1.5g', 1.5 * 1024 ** 3],
    ['64mb', 64 * 1024 * 1024],
    ['64MiB', 64 * 1024 * 1024],
  ])('%s is %d bytes', (text, bytes) => {
    expect(ramInBytes(text)).toBe(bytes);
  });

  it.each(['64x', '', 'm', '-1m', '1 gb gb'])('refuses %j', (text) => {
    expect(() => ramInBytes(text)).toThrow(`invalid size: '${text}'`);
  });
});

describe('IDs and truncation', () => {
  it('shortens IDs to 12 hex digits without the algorithm', () => {
    expect(truncateId('sha256:0123456789abcdef0123')).toBe('0123456789ab');
    expect(truncateId('0123456789abcdef0123')).toBe('0123456789ab');
  });
  it('ellipsizes to the given width, counting characters', () => {
    expect(ellipsis("sh -c 'echo hello world'", 20)).toBe("sh -c 'echo hello w…");
    expect(ellipsis('short', 20)).toBe('short');
    expect(ellipsis('日本語のコマンドですよね', 5)).toBe('日本語の…');
  });
});

describe('tabwriter columns', () => {
  it('pads each cell to max(10, widest + 3) and leaves the last column alone', () => {
    expect(tabwrite(['CONTAINER ID\tIMAGE\tNAMES', 'abc\tbox:latest-long\tx'])).toBe(
      'CONTAINER ID   IMAGE             NAMES\n' + 'abc            box:latest-long   x\n',
    );
  });
  it('keeps the minimum width for short columns', () => {
    expect(tabwrite(['A\tB', 'a\tb'])).toBe('A         B\na         b\n');
  });
});
