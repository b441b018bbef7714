/**
 * The part of Go's text/template that `docker ... --format` users write: `{{.Field}}`, dotted
 * paths (`{{.State.ExitCode}}`), pipelines (`{{.Names | upper}}`), docker's functions (json, join,
 * split, upper, lower, title, truncate, pad, println) plus index, len, printf, eq/ne/not/and/or,
 * `if`/`else`/`range`/`with`/`end`, `$` and `range $k, $v := ...`, and `{{-`/`-}}` trimming.
 * Values print as Go's fmt %v does (maps as `map[k:v]`, slices as `[a b]`, a missing key as
 * `<no value>`); `json` escapes <, >, & as Go's encoder does.
 */

export class TemplateError extends Error {}

type Token =
  | { t: 'field'; path: string[] }
  | { t: 'var'; name: string; path: string[] }
  | { t: 'ident'; v: string }
  | { t: 'lit'; v: unknown }
  | { t: 'pipe' | 'lparen' | 'rparen' | 'declare' | 'comma' };

type Operand = Token | { t: 'sub'; pipe: Pipeline };
type Command = Operand[];
interface Pipeline {
  decl: string[];
  cmds: Command[];
}

type Node =
  | { k: 'text'; v: string }
  | { k: 'action'; pipe: Pipeline }
  | { k: 'if' | 'with' | 'range'; pipe: Pipeline; body: Node[]; alt: Node[] };

function lexAction(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const path = (start: number): [string[], number] => {
    const parts: string[] = [];
    let j = start;
    while (src[j] === '.') {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(j + 1));
      if (!m) break;
      parts.push(m[0]);
      j += 1 + m[0].length;
    }
    return [parts, j];
  };
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '|') {
      out.push({ t: 'pipe' });
      i++;
    } else if (c === '(') {
      out.push({ t: 'lparen' });
      i++;
    } else if (c === ')') {
      out.push({ t: 'rparen' });
      i++;
    } else if (c === ',') {
      out.push({ t: 'comma' });
      i++;
    } else if (src.startsWith(':=', i)) {
      out.push({ t: 'declare' });
      i += 2;
    } else if (c === '.') {
      const [parts, j] = path(i);
      out.push({ t: 'field', path: parts });
      i = parts.length ? j : i + 1;
    } else if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      const [parts, j] = path(i + m[0].length);
      out.push({ t: 'var', name: m[0], path: parts });
      i = j;
    } else if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(src.slice(i));
      if (!m) throw new TemplateError('template: :1: unterminated quoted string');
      out.push({ t: 'lit', v: JSON.parse(m[0]) });
      i += m[0].length;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new TemplateError('template: :1: unterminated raw quoted string');
      out.push({ t: 'lit', v: src.slice(i + 1, end) });
      i = end + 1;
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new TemplateError(`template: :1: bad number syntax: "${src.slice(i, i + 2)}"`);
      out.push({ t: 'lit', v: Number(m[0]) });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      if (!m) throw new TemplateError(`template: :1: unexpected "${c}" in command`);
      const v = m[0];
      out.push(v === 'true' || v === 'false' ? { t: 'lit', v: v === 'true' } : v === 'nil' ? { t: 'lit', v: null } : { t: 'ident', v });
      i += v.length;
    }
  }
  return out;
}

function parsePipeline(tokens: Token[]): Pipeline {
  let pos = 0;
  const decl: string[] = [];
  // `$k, $v :=` or `$x :=`
  const declEnd = tokens.findIndex((t) => t.t === 'declare');
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t) => t.t === 'var' || t.t === 'comma')) {
    for (const t of tokens.slice(0, declEnd)) if (t.t === 'var') decl.push(t.name);
    pos = declEnd + 1;
  }
  const parse = (): Pipeline => {
    const cmds: Command[] = [];
    let cmd: Command = [];
    while (pos < tokens.length) {
      const t = tokens[pos++];
      if (t.t === 'pipe') {
        if (cmd.length === 0) throw new TemplateError('template: :1: missing command');
        cmds.push(cmd);
        cmd = [];
      } else if (t.t === 'lparen') {
        cmd.push({ t: 'sub', pipe: parse() });
      } else if (t.t === 'rparen') {
        break;
      } else {
        cmd.push(t);
      }
    }
    if (cmd.length === 0) throw new TemplateError('template: :1: missing value for command');
    cmds.push(cmd);
    return { decl: [], cmds };
  };
  const pipe = parse();
  return { decl, cmds: pipe.cmds };
}

/** Parse a template; throws TemplateError with Go's wording for the common mistakes. */
export function parseTemplate(src: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node: Extract<Node, { body: Node[] }>; inAlt: boolean }> = [];
  const target = () => {
    const top = stack[stack.length - 1];
    return top ? (top.inAlt ? top.node.alt : top.node.body) : root;
  };
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) target().push({ k: 'text', v: text });
      break;
    }
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError('template: :1: unclosed action');
    let inner = src.slice(open + 2, close);
    if (inner.startsWith('- ') || inner === '-') {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    if (inner.endsWith(' -')) {
      trimNext = true;
      inner = inner.slice(0, -1);
    }
    if (text) target().push({ k: 'text', v: text });
    i = close + 2;
    inner = inner.trim();
    if (inner.startsWith('/*')) continue;
    const tokens = lexAction(inner);
    const head = tokens[0];
    const keyword = head?.t === 'ident' ? head.v : '';
    if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
      const node = { k: keyword, pipe: parsePipeline(tokens.slice(1)), body: [], alt: [] } as Extract<Node, { body: Node[] }>;
      target().push(node);
      stack.push({ node, inAlt: false });
    } else if (keyword === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.inAlt) throw new TemplateError('template: :1: unexpected {{else}}');
      top.inAlt = true;
      if (tokens.length > 1 && tokens[1].t === 'ident' && (tokens[1].v === 'if' || tokens[1].v === 'with')) {
        // `else if` opens a nested block closed by the same {{end}}.
        const node = { k: tokens[1].v, pipe: parsePipeline(tokens.slice(2)), body: [], alt: [] } as Extract<Node, { body: Node[] }>;
        top.node.alt.push(node);
        stack.push({ node, inAlt: false });
        (node as { chained?: boolean }).chained = true;
      }
    } else if (keyword === 'end') {
      if (!stack.length) throw new TemplateError('template: :1: unexpected {{end}}');
      while ((stack.pop()?.node as { chained?: boolean } | undefined)?.chained);
    } else if (tokens.length === 0) {
      throw new TemplateError('template: :1: missing value for command');
    } else {
      target().push({ k: 'action', pipe: parsePipeline(tokens) });
    }
  }
  if (stack.length) throw new TemplateError('template: :1: unexpected EOF');
  return root;
}

const MISSING = Symbol('no value');

function lookup(value: unknown, path: string[]): unknown {
  let v: unknown = value;
  for (const key of path) {
    if (v === MISSING || v === null || v === undefined || typeof v !== 'object') return MISSING;
    v = Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, unknown>)[key] : MISSING;
  }
  return v;
}

/** Go's fmt %v. */
export function goPrint(v: unknown): string {
  if (v === MISSING || v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : String(v).replace(/e\+?(-?)(\d)$/, 'e+$1$2');
  if (Array.isArray(v)) return '[' + v.map(goPrint).join(' ') + ']';
  if (v instanceof Uint8Array) return '[' + Array.from(v).join(' ') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return 'map[' + Object.keys(o).sort().map((k) => `${k}:${goPrint(o[k])}`).join(' ') + ']';
  }
  return String(v);
}

/** JSON as Go's encoding/json writes it (HTML characters escaped), compact or indented. */
export function goJson(v: unknown, indent?: string): string {
  const text = JSON.stringify(v === MISSING ? null : v, null, indent) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function truthy(v: unknown): boolean {
  if (v === MISSING || v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function sprintf(format: string, args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-+ 0#]*\d*(?:\.\d+)?)([vsdqtx%])/g, (_, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[n++];
    if (verb === 'q') return JSON.stringify(goPrint(a));
    if (verb === 'x') return typeof a === 'number' ? a.toString(16) : [...new TextEncoder().encode(goPrint(a))].map((b) => b.toString(16).padStart(2, '0')).join('');
    return goPrint(a);
  });
}

const FUNCS: Record<string, (...args: unknown[]) => unknown> = {
  json: (v) => goJson(v),
  upper: (s) => goPrint(s).toUpperCase(),
  lower: (s) => goPrint(s).toLowerCase(),
  title: (s) => goPrint(s).replace(/(^|\s)(\S)/g, (_, a: string, b: string) => a + b.toUpperCase()),
  join: (list, sep) => (Array.isArray(list) ? list.map(goPrint).join(goPrint(sep)) : goPrint(list)),
  split: (s, sep) => goPrint(s).split(goPrint(sep)),
  truncate: (s, n) => [...goPrint(s)].slice(0, Number(n)).join(''),
  pad: (s, before, after) => ' '.repeat(Number(before)) + goPrint(s) + ' '.repeat(Number(after)),
  println: (...a) => a.map(goPrint).join(' ') + '\n',
  print: (...a) => a.map(goPrint).join(''),
  printf: (f, ...a) => sprintf(goPrint(f), a),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  index: (v, ...keys) => keys.reduce((acc: unknown, k) => lookup(acc, [String(k)]), v),
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
  not: (a) => !truthy(a),
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
};

interface Scope {
  dot: unknown;
  vars: Map<string, unknown>;
}

function evalOperand(op: Operand, scope: Scope): unknown {
  switch (op.t) {
    case 'field':
      return lookup(scope.dot, op.path);
    case 'var': {
      if (!scope.vars.has(op.name)) throw new TemplateError(`template: :1: undefined variable "${op.name}"`);
      return lookup(scope.vars.get(op.name), op.path);
    }
    case 'lit':
      return op.v;
    case 'sub':
      return evalPipeline(op.pipe, scope);
    case 'ident':
      if (!FUNCS[op.v]) throw new TemplateError(`template: :1: function "${op.v}" not defined`);
      return FUNCS[op.v]();
    default:
      throw new TemplateError(`template: :1: unexpected ${op.t} in operand`);
  }
}

function evalPipeline(pipe: Pipeline, scope: Scope): unknown {
  let result: unknown = MISSING;
  pipe.cmds.forEach((cmd, n) => {
    const [head, ...rest] = cmd;
    const piped = n > 0 ? [result] : [];
    if (head.t === 'ident') {
      const fn = FUNCS[head.v];
      if (!fn) throw new TemplateError(`template: :1: function "${head.v}" not defined`);
      result = fn(...rest.map((o) => evalOperand(o, scope)), ...piped);
    } else {
      if (rest.length || piped.length) throw new TemplateError(`template: :1: can't give argument to non-function ${describe(head)}`);
      result = evalOperand(head, scope);
    }
  });
  return result;
}

function describe(op: Operand): string {
  if (op.t === 'field') return '.' + op.path.join('.');
  if (op.t === 'var') return op.name + (op.path.length ? '.' + op.path.join('.') : '');
  return op.t;
}

function run(nodes: Node[], scope: Scope, out: string[]): void {
  for (const node of nodes) {
    if (node.k === 'text') {
      out.push(node.v);
    } else if (node.k === 'action') {
      const v = evalPipeline(node.pipe, scope);
      if (node.pipe.decl.length) scope.vars.set(node.pipe.decl[0], v);
      else out.push(goPrint(v));
    } else if (node.k === 'if') {
      run(truthy(evalPipeline(node.pipe, scope)) ? node.body : node.alt, scope, out);
    } else if (node.k === 'with') {
      const v = evalPipeline(node.pipe, scope);
      if (truthy(v)) run(node.body, { dot: v, vars: scope.vars }, out);
      else run(node.alt, scope, out);
    } else {
      const v = evalPipeline(node.pipe, scope);
      const entries: Array<[unknown, unknown]> = Array.isArray(v)
        ? v.map((x, i) => [i, x])
        : v && typeof v === 'object'
          ? Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])
          : [];
      if (!entries.length) run(node.alt, scope, out);
      for (const [key, value] of entries) {
        const vars = new Map(scope.vars);
        if (node.pipe.decl.length === 1) vars.set(node.pipe.decl[0], value);
        if (node.pipe.decl.length === 2) {
          vars.set(node.pipe.decl[0], key);
          vars.set(node.pipe.decl[1], value);
        }
        run(node.body, { dot: value, vars }, out);
      }
    }
  }
}

/** A parsed template, run on one value per call. */
export class Template {
  private readonly nodes: Node[];
  constructor(readonly source: string) {
    this.nodes = parseTemplate(source);
  }
  execute(data: unknown): string {
    const out: string[] = [];
    run(this.nodes, { dot: data, vars: new Map([['$', data]]) }, out);
    return out.join('');
  }
}
