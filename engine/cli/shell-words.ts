/**
 * Split a command line into words as a POSIX shell would, without expanding anything:
 * blanks separate words; 'single quotes' keep everything; "double quotes" keep everything but
 * `\"`, `\\`, `\$`, `` \` `` and a backslash-newline; a backslash outside quotes keeps the next
 * character; `#` at the start of a word begins a comment. `""` is an empty word.
 */
export class ShellSyntaxError extends Error {
  /** The line ends inside a quote or after a backslash: a terminal may ask for more input. */
  constructor(
    message: string,
    readonly incomplete: boolean,
  ) {
    super(message);
  }
}

export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '#' && !inWord) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unexpected EOF while looking for matching `\'\'', true);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= line.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `""', true);
        const d = line[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) {
          if (line[i + 1] !== '\n') word += line[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShellSyntaxError('unexpected EOF after `\\`', true);
      if (line[i + 1] !== '\n') {
        word += line[i + 1];
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
