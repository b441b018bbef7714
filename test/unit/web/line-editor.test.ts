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

  describe('Ctrl-R reverse search', () => {
    const history = ['docker run hello-world', 'docker ps -a', 'ls', 'docker run -it box sh', 'docker ps'];

    it('finds the newest line containing what is typed, the cursor on the match', () => {
      const e = new LineEditor();
      e.reset(history);
      e.searchStart();
      expect(e.search).toEqual({ query: '', failed: false });
      e.searchType('r');
      e.searchType('un');
      expect(e.buffer).toBe('docker run -it box sh');
      expect(e.cursor).toBe('docker '.length);
    });

    it('Ctrl-R again goes to older matches; past the oldest it fails and keeps the last match', () => {
      const e = new LineEditor();
      e.reset(history);
      e.searchStart();
      e.searchType('run');
      e.searchStart();
      expect(e.buffer).toBe('docker run hello-world');
      e.searchStart();
      expect(e.search?.failed).toBe(true);
      expect(e.buffer).toBe('docker run hello-world');
    });

    it('a query that matches nothing fails; Backspace searches again from the newest', () => {
      const e = new LineEditor();
      e.reset(history);
      e.searchStart();
      e.searchType('ps -a');
      expect(e.buffer).toBe('docker ps -a');
      e.searchType('z');
      expect(e.search).toEqual({ query: 'ps -az', failed: true });
      e.searchBackspace();
      e.searchBackspace();
      e.searchBackspace();
      expect(e.search).toEqual({ query: 'ps ', failed: false });
      expect(e.buffer).toBe('docker ps -a');
    });

    it('accepting keeps the line and Up goes on from it; Ctrl-G gives back the line typed before', () => {
      const e = new LineEditor();
      e.reset(history);
      e.insert('half');
      e.searchStart();
      e.searchType('hello');
      e.searchAccept();
      expect(e.search).toBeNull();
      expect(e.buffer).toBe('docker run hello-world');
      e.historyDown();
      expect(e.buffer).toBe('docker ps -a');

      e.reset(history);
      e.insert('half');
      e.searchStart();
      e.searchType('box');
      e.searchCancel();
      expect(e.buffer).toBe('half');
      e.historyUp();
      expect(e.buffer).toBe('docker ps');
    });
  });
});
