/**
 * The package boundaries as a lint rule: which top-level folder of the repository may import from
 * which. Every way one module reaches another counts - static and dynamic imports, re-exports,
 * `import('x').T` types, `new URL('x', import.meta.url)` (Workers, assets) and Vite's
 * `import.meta.glob` - and every way of naming it: relative paths, Vite's root-relative `/x`,
 * a bare `worker/x` (a tsconfig baseUrl would resolve it) and the aliases the rule is given.
 *
 * Options: `{ areas: { [folder]: string[] }, aliases?: { [prefix]: string } }`. A file inside
 * `folder/` may import only paths under the listed entries (repository-relative folders, or one
 * file); files outside every listed folder (tests, benches, scripts, configs) are not checked.
 * A glob is allowed only if everything it could match is allowed: its fixed part must lie inside
 * an allowed folder. A path the rule cannot read (`import(variable)`) is reported: it would hide
 * a crossing.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const GLOB_CHARS = /[*?{}[\]()!+@]/;

/** The repository-relative path a specifier names, or undefined for a package. */
function resolveSpecifier(spec, fromDir, aliases, areaNames) {
  const bare = spec.replace(/[?#].*$/, '');
  for (const [prefix, target] of Object.entries(aliases)) {
    if (bare.startsWith(prefix)) return path.relative(ROOT, path.join(ROOT, target, bare.slice(prefix.length)));
  }
  if (bare.startsWith('./') || bare.startsWith('../') || bare === '.' || bare === '..') return path.relative(ROOT, path.resolve(fromDir, bare));
  if (bare.startsWith('/')) return path.relative(ROOT, path.join(ROOT, bare));
  if (areaNames.includes(bare.split('/')[0])) return path.normalize(bare);
  return undefined;
}

const inside = (rel, entry) => rel === entry || rel.startsWith(entry + '/');

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each top-level folder to the folders it may import from.' },
    schema: [
      {
        type: 'object',
        properties: {
          areas: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
          aliases: { type: 'object', additionalProperties: { type: 'string' } },
        },
        required: ['areas'],
        additionalProperties: false,
      },
    ],
    messages: {
      crossing: "{{area}}/ may import only from {{allowed}}: '{{spec}}' reaches {{target}}.",
      unreadable: '{{area}}/: a {{what}} whose path is not a literal hides what it reaches; name the module with a string.',
    },
  },
  create(context) {
    const { areas, aliases = {} } = context.options[0];
    const rel = path.relative(ROOT, context.filename);
    const area = Object.keys(areas).find((a) => inside(rel, a));
    if (!area || rel.startsWith('..')) return {};
    const allowed = areas[area];
    const fromDir = path.dirname(context.filename);
    const areaNames = Object.keys(areas);

    /** `spec` with `glob`: everything it may match must be allowed. */
    function check(node, spec, glob = false, baseDir = fromDir) {
      if (glob && spec.startsWith('!')) return; // a negative pattern only narrows the glob
      const fixed = glob ? spec.slice(0, spec.search(GLOB_CHARS) === -1 ? spec.length : spec.search(GLOB_CHARS)) : spec;
      const partial = glob && fixed !== spec;
      const target = resolveSpecifier(fixed, baseDir, aliases, areaNames);
      if (target === undefined) return;
      // A fixed part that ends inside a name (`/worker/conn*`) matches siblings: judge its folder.
      const judged = partial && !fixed.endsWith('/') ? path.dirname(target) : target;
      const ok = partial ? allowed.some((a) => judged.startsWith(a + '/') || (judged === a && !a.includes('.'))) : allowed.some((a) => inside(target, a));
      if (!ok) context.report({ node, messageId: 'crossing', data: { area, allowed: allowed.map((a) => `${a}${a.includes('.') ? '' : '/'}`).join(', '), spec, target: target || '(the repository root)' } });
    }

    /** A string literal or a template: its text, and whether it had ${} parts. */
    function text(node) {
      if (node?.type === 'Literal' && typeof node.value === 'string') return { value: node.value, dynamic: false };
      if (node?.type === 'TemplateLiteral') return { value: node.quasis[0].value.cooked + (node.expressions.length ? '*' : ''), dynamic: node.expressions.length > 0 };
      return undefined;
    }

    function checkExpression(node, arg, what) {
      const t = text(arg);
      if (!t) context.report({ node, messageId: 'unreadable', data: { area, what } });
      else check(node, t.value, t.dynamic);
    }

    const isImportMeta = (n) => n?.type === 'MetaProperty' && n.meta.name === 'import' && n.property.name === 'meta';

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => checkExpression(node, node.source, 'dynamic import'),
      TSImportType(node) {
        // typescript-eslint 8 names it `source` (older: `argument`, a TSLiteralType).
        const arg = 'source' in node ? node.source : node.argument;
        const lit = arg?.type === 'TSLiteralType' ? arg.literal : arg;
        if (lit?.type === 'Literal') check(node, lit.value);
      },
      NewExpression(node) {
        // new URL('./x.ts', import.meta.url): how a Worker or an asset is named for Vite.
        const [first, second] = node.arguments;
        if (node.callee.type !== 'Identifier' || node.callee.name !== 'URL') return;
        if (second?.type !== 'MemberExpression' || !isImportMeta(second.object) || second.property.name !== 'url') return;
        checkExpression(node, first, 'new URL(..., import.meta.url)');
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || !isImportMeta(callee.object) || !/^glob/.test(callee.property.name ?? '')) return;
        const [patterns, options] = node.arguments;
        const base = options?.type === 'ObjectExpression' ? options.properties.find((p) => p.key?.name === 'base' || p.key?.value === 'base') : undefined;
        let baseDir = fromDir;
        if (base) {
          const b = text(base.value);
          if (!b || b.dynamic) return context.report({ node, messageId: 'unreadable', data: { area, what: 'import.meta.glob base' } });
          const resolved = resolveSpecifier(b.value.endsWith('/') ? b.value : b.value + '/', fromDir, aliases, areaNames);
          if (resolved !== undefined) baseDir = path.join(ROOT, resolved);
        }
        const list = patterns?.type === 'ArrayExpression' ? patterns.elements : [patterns];
        for (const p of list) {
          const t = text(p);
          if (!t) context.report({ node, messageId: 'unreadable', data: { area, what: 'import.meta.glob pattern' } });
          else check(node, t.value, true, t.value.startsWith('/') ? fromDir : baseDir);
        }
      },
    };
  },
};
