/**
 * The command line being typed: a buffer, a cursor and a walk through history, readline-style.
 * Pure state - the terminal session turns it into screen updates - so it can be tested without a DOM.
 */
export class LineEditor {
  buffer = '';
  cursor = 0;
  #history: readonly string[] = [];
  #index = 0; // history position; == history.length means the line being typed
  #draft = '';
  /** Ctrl-R's reverse search while it is on: what was typed to find, and whether nothing matches it. */
  search: { query: string; failed: boolean } | null = null;
  #beforeSearch = { buffer: '', cursor: 0 };

  /** Begin a new line with the history as it is now. */
  reset(history: readonly string[]): void {
    this.buffer = '';
    this.cursor = 0;
    this.#history = history;
    this.#index = history.length;
    this.#draft = '';
    this.search = null;
  }

  /** Ctrl-R: start a reverse search through history, or (searching) go to the next older match. */
  searchStart(): void {
    if (!this.search) {
      this.search = { query: '', failed: false };
      this.#beforeSearch = { buffer: this.buffer, cursor: this.cursor };
      return;
    }
    if (this.search.query) this.#find(this.#index - 1);
  }

  /** A character typed while searching: the newest line containing the query so far, from the current match back. */
  searchType(text: string): void {
    if (!this.search) return;
    this.search.query += text;
    this.#find(Math.min(this.#index, this.#history.length - 1));
  }

  searchBackspace(): void {
    if (!this.search) return;
    this.search.query = [...this.search.query].slice(0, -1).join('');
    if (this.search.query) this.#find(this.#history.length - 1);
    else this.search.failed = false;
  }

  /** Keep the line found and leave the search (Enter, Escape, or a key that edits or moves). */
  searchAccept(): void {
    this.search = null;
  }

  /** Ctrl-G: leave the search with the line as it was before it. */
  searchCancel(): void {
    if (!this.search) return;
    this.search = null;
    this.#index = this.#history.length;
    this.buffer = this.#beforeSearch.buffer;
    this.cursor = this.#beforeSearch.cursor;
  }

  #find(from: number): void {
    const search = this.search!;
    for (let i = from; i >= 0; i--) {
      const at = this.#history[i].lastIndexOf(search.query);
      if (at !== -1) {
        if (this.#index === this.#history.length) this.#draft = this.#beforeSearch.buffer;
        this.#index = i;
        this.buffer = this.#history[i];
        this.cursor = at;
        search.failed = false;
        return;
      }
    }
    search.failed = true;
  }

  insert(text: string): void {
    this.buffer = this.buffer.slice(0, this.cursor) + text + this.buffer.slice(this.cursor);
    this.cursor += text.length;
  }

  backspace(): void {
    if (this.cursor === 0) return;
    this.buffer = this.buffer.slice(0, this.cursor - 1) + this.buffer.slice(this.cursor);
    this.cursor -= 1;
  }

  deleteForward(): void {
    this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(this.cursor + 1);
  }

  left(): void {
    this.cursor = Math.max(0, this.cursor - 1);
  }

  right(): void {
    this.cursor = Math.min(this.buffer.length, this.cursor + 1);
  }

  home(): void {
    this.cursor = 0;
  }

  end(): void {
    this.cursor = this.buffer.length;
  }

  wordLeft(): void {
    let i = this.cursor;
    while (i > 0 && this.buffer[i - 1] === ' ') i -= 1;
    while (i > 0 && this.buffer[i - 1] !== ' ') i -= 1;
    this.cursor = i;
  }

  wordRight(): void {
    let i = this.cursor;
    while (i < this.buffer.length && this.buffer[i] === ' ') i += 1;
    while (i < this.buffer.length && this.buffer[i] !== ' ') i += 1;
    this.cursor = i;
  }

  /** Ctrl-W: delete the word before the cursor. */
  deleteWordBefore(): void {
    const end = this.cursor;
    this.wordLeft();
    this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(end);
  }

  /** Ctrl-U: delete from the start of the line to the cursor. */
  deleteToStart(): void {
    this.buffer = this.buffer.slice(this.cursor);
    this.cursor = 0;
  }

  /** Ctrl-K: delete from the cursor to the end of the line. */
  deleteToEnd(): void {
    this.buffer = this.buffer.slice(0, this.cursor);
  }

  historyUp(): void {
    if (this.#index === 0) return;
    if (this.#index === this.#history.length) this.#draft = this.buffer;
    this.#index -= 1;
    this.#set(this.#history[this.#index]);
  }

  historyDown(): void {
    if (this.#index >= this.#history.length) return;
    this.#index += 1;
    this.#set(this.#index === this.#history.length ? this.#draft : this.#history[this.#index]);
  }

  /** The text before the cursor: what tab completion completes. */
  get beforeCursor(): string {
    return this.buffer.slice(0, this.cursor);
  }

  /** Replace the last `count` characters before the cursor (a completed word). */
  replaceBeforeCursor(count: number, text: string): void {
    this.buffer = this.buffer.slice(0, this.cursor - count) + text + this.buffer.slice(this.cursor);
    this.cursor += text.length - count;
  }

  #set(line: string): void {
    this.buffer = line;
    this.cursor = line.length;
  }
}
