/**
 * The editor, built from CodeMirror 6's parts (loaded only when a file is first opened, so the
 * terminal does not wait for it). Dockerfiles get the Dockerfile mode of @codemirror/legacy-modes;
 * shell scripts, C and a few others get theirs; anything else is plain text.
 */
import { EditorState, Compartment, type Extension } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle, HighlightStyle, bracketMatching, indentUnit } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { c } from '@codemirror/legacy-modes/mode/clike';
import { yaml } from '@codemirror/legacy-modes/mode/yaml';
import { toml } from '@codemirror/legacy-modes/mode/toml';
import { python } from '@codemirror/legacy-modes/mode/python';
import { javascript } from '@codemirror/legacy-modes/mode/javascript';

export function languageFor(path: string): Extension {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (name === 'dockerfile' || name.startsWith('dockerfile.') || name.endsWith('.dockerfile') || name === 'containerfile') return StreamLanguage.define(dockerFile);
  if (/\.(sh|bash)$/.test(name)) return StreamLanguage.define(shell);
  if (/\.[ch]$/.test(name)) return StreamLanguage.define(c);
  if (/\.ya?ml$/.test(name)) return StreamLanguage.define(yaml);
  if (name.endsWith('.toml')) return StreamLanguage.define(toml);
  if (name.endsWith('.py')) return StreamLanguage.define(python);
  if (/\.(js|mjs|json)$/.test(name)) return StreamLanguage.define(javascript);
  return [];
}

// Colours from the page's theme variables, so one style serves light and dark.
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--code-keyword)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--code-string)' },
  { tag: tags.comment, color: 'var(--code-comment)', fontStyle: 'italic' },
  { tag: [tags.variableName, tags.definition(tags.variableName)], color: 'var(--code-variable)' },
  { tag: [tags.number, tags.bool, tags.atom], color: 'var(--code-number)' },
  { tag: tags.operator, color: 'var(--text-2)' },
]);

const chrome = EditorView.theme({
  '&': { height: '100%', backgroundColor: 'var(--surface)', color: 'var(--text)', fontSize: '14px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--accent)' },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--text-3)', border: 'none', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 12%, transparent)', color: 'var(--text)' },
  '&.cm-focused': { outline: 'none' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'color-mix(in srgb, var(--accent) 28%, transparent) !important' },
  '.cm-cursor': { borderLeftColor: 'var(--accent)' },
});

export interface EditorHandle {
  /** Replace the text (a change from outside: the terminal wrote the file). Keeps the cursor if it can. */
  setText(text: string): void;
  setPath(path: string): void;
  focus(): void;
  destroy(): void;
}

export function createEditor(parent: HTMLElement, path: string, text: string, onchange: (text: string) => void, label: string): EditorHandle {
  const language = new Compartment();
  let applying = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        drawSelection(),
        history(),
        bracketMatching(),
        indentUnit.of('  '),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        syntaxHighlighting(highlight),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        language.of(languageFor(path)),
        chrome,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applying) onchange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    setText(next) {
      if (next === view.state.doc.toString()) return;
      applying = true;
      const head = Math.min(view.state.selection.main.head, next.length);
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next }, selection: { anchor: head } });
      applying = false;
    },
    setPath(next) {
      view.dispatch({ effects: language.reconfigure(languageFor(next)) });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
