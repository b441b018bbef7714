/**
 * The message catalogs and the one formatting rule: `{name}` placeholders filled from params.
 * Host-neutral (no runes) so unit tests read it in Node; locale.svelte.ts makes it reactive.
 */
import { en, type MessageKey } from './en.ts';
import { ko } from './ko.ts';

export type { MessageKey };
export const LANGS = ['en', 'ko'] as const;
export type Lang = (typeof LANGS)[number];

export const LANG_NAMES: Record<Lang, string> = { en: 'English', ko: '한국어' };

export const CATALOGS: Record<Lang, Record<MessageKey, string>> = { en, ko };

export type Params = Record<string, string | number>;

export function format(lang: Lang, key: MessageKey, params?: Params): string {
  const text = CATALOGS[lang][key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/** The browser's preferred languages pick the default: Korean if any of them is Korean, else English. */
export function defaultLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}
