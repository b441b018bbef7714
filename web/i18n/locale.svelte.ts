/**
 * The page's language: picked from the browser's languages the first time, then the learner's
 * choice, kept in localStorage. `t(key)` reads `locale.lang`, so markup that calls it re-renders
 * when the language changes.
 */
import { defaultLang, format, isLang, type Lang, type MessageKey, type Params } from './messages.ts';

export type { Lang, MessageKey };
export { LANGS, LANG_NAMES } from './messages.ts';

const STORAGE_KEY = 'dockyard.lang';

function stored(): Lang | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLang(value) ? value : null;
  } catch {
    return null; // storage disabled: fall back to the browser's language
  }
}

class Locale {
  lang = $state<Lang>(stored() ?? defaultLang(typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]));

  constructor() {
    this.#apply();
  }

  set(lang: Lang): void {
    this.lang = lang;
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // the choice then lasts until the page is closed
    }
    this.#apply();
  }

  #apply(): void {
    if (typeof document !== 'undefined') document.documentElement.lang = this.lang;
  }
}

export const locale = new Locale();

/** The message for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params?: Params): string {
  return format(locale.lang, key, params);
}

type CountedKey = { [K in MessageKey]: K extends `${infer Base}.one` ? Base : never }[MessageKey];

/** A count's message: `{base}.one` for 1, `{base}.other` otherwise; `{n}` is the count. */
export function tn(base: CountedKey, n: number, params?: Params): string {
  return format(locale.lang, `${base}.${n === 1 ? 'one' : 'other'}` as MessageKey, { n, ...params });
}
