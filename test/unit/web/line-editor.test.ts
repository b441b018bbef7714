import { describe, expect, it } from 'vitest';
import { LineEditor } from '../../../web/Terminal/line-editor.ts';
import { splitKeys } from '../../../web/Terminal/key-sequences.ts';

describe('the command line editor', () => {
  it('inserts at the cursor and deletes around it', () => {
    const e = new LineEditor();
    e.reset([]);
    e.insert('docker ps');
    e.home();
    e.wordRight();
    e.insert(' -a');
    expect(e.buffer).toBe('docker -a ps');
    e.end();
    e.backspace();
    e.deleteWordBefore();
    expect(e.buffer).toBe('docker -a ');
    e.home();
    e.deleteToEnd();
    expect(e.buffer).toBe('');
  });

  it('walks history and returns to the line being typed', () => {
    const e = new LineEditor();
    e.reset(['ls', 'docker images']);
    e.insert('doc');
    e.historyUp();
    expect(e.buffer).toBe('docker images');
    e.historyUp();
    e.historyUp(); // stays at the oldest
    expect(e.buffer).toBe('ls');
    e.historyDown();
    e.historyDown();
    expect(e.buffer).toBe('doc');
    expect(e.cursor).toBe(3);
  });

  it('replaces the word before the cursor for completion', () => {
    const e = new LineEditor();
    e.reset([]);
    e.insert('docker run hel');
    e.replaceBeforeCursor(3, 'hello-world ');
    expect(e.buffer).toBe('docker run hello-world ');
    expect(e.cursor).toBe(e.buffer.length);
  });
});

describe('keys from the terminal emulator', () => {
  it('splits a paste with CRLF into text and one enter per line', () => {
    expect(splitKeys('ls\r\npwd\r')).toEqual([{ kind: 'text', text: 'ls' }, { kind: 'enter' }, { kind: 'text', text: 'pwd' }, { kind: 'enter' }]);
  });

  it('reads arrows, ctrl keys and swallows unknown escape sequences whole', () => {
    expect(splitKeys('\x1b[A\x1b[1;5D\x03\x1b[200~x')).toEqual([
      { kind: 'up' }, { kind: 'word-left' }, { kind: 'ctrl', letter: 'c' }, { kind: 'unknown', seq: '\x1b[200~' }, { kind: 'text', text: 'x' },
    ]);
  });

  it('keeps Korean text as text', () => {
    expect(splitKeys('echo 안녕')).toEqual([{ kind: 'text', text: 'echo 안녕' }]);
  });
});
