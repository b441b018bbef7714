/**
 * The grammar of the terminal's host shell - a small subset of sh: words with '...' and "..."
 * quoting and backslash escapes, `>`/`>>` redirection of stdout to a workspace file, and lists
 * joined by `;`, `&&` and `||`. Pipes and background jobs are refused with a message rather than
 * misread. The words of a `docker` command are handed to engine/cli as its argv.
 */
export interface SimpleCommand {
  argv: string[];
  redirect?: { path: string; append: boolean };
  /** How this command joins the one before it. */
  after: ';' | '&&' | '||';
}

export class ShellSyntaxError extends Error {}

type Token = { word: string } | { op: ';' | '&&' | '||' | '>' | '>>' | '|' | '&' };

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const endWord = () => {
    if (inWord) tokens.push({ word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close === -1) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      word += line.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (ch === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) j += 1;
        word += line[j];
      }
      if (j >= line.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
      i = j;
    } else if (ch === '\\') {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
    } else if (ch === ' ' || ch === '\t') {
      endWord();
    } else if (ch === '#' && !inWord) {
      break; // a comment to the end of the line
    } else if (ch === ';' || ch === '|' || ch === '&' || ch === '>') {
      endWord();
      const two = line.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === '>>') {
        tokens.push({ op: two });
        i += 1;
      } else {
        tokens.push({ op: ch as ';' | '|' | '&' | '>' });
      }
    } else {
      word += ch;
      inWord = true;
    }
  }
  endWord();
  return tokens;
}

export function parseCommandLine(line: string): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let current: SimpleCommand = { argv: [], after: ';' };
  const tokens = tokenize(line);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if ('word' in token) {
      current.argv.push(token.word);
      continue;
    }
    switch (token.op) {
      case '>':
      case '>>': {
        const target = tokens[i + 1];
        if (!target || !('word' in target)) throw new ShellSyntaxError(`syntax error near unexpected token \`${target && 'op' in target ? target.op : 'newline'}'`);
        current.redirect = { path: target.word, append: token.op === '>>' };
        i += 1;
        break;
      }
      case '|':
        throw new ShellSyntaxError('pipes are not supported in this shell');
      case '&':
        throw new ShellSyntaxError('background jobs are not supported here; use `docker run -d`');
      default:
        if (current.argv.length === 0) throw new ShellSyntaxError(`syntax error near unexpected token \`${token.op}'`);
        commands.push(current);
        current = { argv: [], after: token.op };
    }
  }
  if (current.argv.length > 0) commands.push(current);
  else if (current.redirect) throw new ShellSyntaxError('syntax error: a redirection needs a command');
  else if (commands.length > 0 && current.after !== ';') throw new ShellSyntaxError('syntax error: unexpected end of line');
  return commands;
}
