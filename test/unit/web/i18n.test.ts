import { describe, expect, it } from 'vitest';
import { CATALOGS, format, LANGS } from '../../../web/i18n/messages.ts';
import { en } from '../../../web/i18n/en.ts';
import { enViews } from '../../../web/i18n/en-views.ts';
import { enShell } from '../../../web/i18n/en-shell.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('every language has every key, with the same placeholders as English', () => {
    for (const lang of LANGS) {
      const catalog = CATALOGS[lang];
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(en)) {
        expect({ key, placeholders: placeholders(catalog[key as keyof typeof en]) }).toEqual({ key, placeholders: placeholders(text) });
      }
    }
  });

  it("the views' text is Korean in Korean, not English left behind", () => {
    const untranslated = Object.keys(enViews).filter((key) => !/[가-힣]/.test(CATALOGS.ko[key as keyof typeof en]));
    // Only symbols and a time placeholder may read the same in both languages.
    expect(untranslated).toEqual([]);
  });

  it("the terminal's own text (welcome, tab name, help, hints) is Korean in Korean", () => {
    const untranslated = Object.keys(enShell).filter((key) => !/[가-힣]/.test(CATALOGS.ko[key as keyof typeof en]));
    expect(untranslated).toEqual([]);
    expect(format('ko', 'shell.tab', { n: 2 })).toBe('터미널 2');
    expect(format('ko', 'state.exited')).toBe('종료됨');
  });

  it('a count reads in the singular for one and in the plural otherwise', () => {
    expect(format('en', 'images.count.one', { n: 1, size: '1B' })).toBe('1 image · 1B if stored apart');
    expect(format('en', 'images.count.other', { n: 2, size: '2B' })).toBe('2 images · 2B if stored apart');
    expect(format('ko', 'images.count.other', { n: 2, size: '2B' })).toBe('이미지 2개 · 따로 저장하면 2B');
  });
});
