import type { ITheme } from '@xterm/xterm';
import type { ThemeName } from '../app/theme.svelte.ts';

/** Terminal colours that match the page's light and dark themes (contrast checked by eye on both). */
export const XTERM_THEMES: Record<ThemeName, ITheme> = {
  dark: {
    background: '#0f1720',
    foreground: '#d8e1ea',
    cursor: '#7dd3fc',
    cursorAccent: '#0f1720',
    selectionBackground: '#2b4a66',
    black: '#1b2733', red: '#f87171', green: '#4ade80', yellow: '#facc15',
    blue: '#60a5fa', magenta: '#c084fc', cyan: '#22d3ee', white: '#d8e1ea',
    brightBlack: '#64748b', brightRed: '#fca5a5', brightGreen: '#86efac', brightYellow: '#fde047',
    brightBlue: '#93c5fd', brightMagenta: '#d8b4fe', brightCyan: '#67e8f9', brightWhite: '#f8fafc',
  },
  light: {
    background: '#fbfcfd',
    foreground: '#1e293b',
    cursor: '#0369a1',
    cursorAccent: '#fbfcfd',
    selectionBackground: '#bfdbfe',
    black: '#1e293b', red: '#b91c1c', green: '#15803d', yellow: '#a16207',
    blue: '#1d4ed8', magenta: '#7e22ce', cyan: '#0e7490', white: '#cbd5e1',
    brightBlack: '#64748b', brightRed: '#dc2626', brightGreen: '#16a34a', brightYellow: '#ca8a04',
    brightBlue: '#2563eb', brightMagenta: '#9333ea', brightCyan: '#0891b2', brightWhite: '#f1f5f9',
  },
};
