import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The lint rules that keep the packages apart must themselves be alive: feed them violations,
// planted at paths inside each folder, and the imports each folder is allowed.
const BOUNDARY = 'dockyard/import-boundaries';

async function boundaryErrors(code: string, filePath: string, eslint = new ESLint()): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`${filePath} did not parse: ${fatal[0].message}`);
  return result.messages.filter((m) => m.ruleId === BOUNDARY).map((m) => m.message);
}

describe('engine/ host-neutral rule', () => {
  it('rejects a node: import inside engine/', async () => {
    const eslint = new ESLint();
    const [result] = await eslint.lintText("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", { filePath: 'engine/probe.ts' });
    expect(result.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
  });
  it('allows the same import in kernel-node/', async () => {
    const eslint = new ESLint();
    const [result] = await eslint.lintText("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", { filePath: 'kernel-node/probe.ts' });
    expect(result.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});

describe('package boundaries: a planted crossing fails', () => {
  const crossings: Array<[string, string, string]> = [
    // [file, code, the target the message names]
    ['engine/probe.ts', "import { connectLocalEngine } from '../worker/connect.ts';\nexport const x = connectLocalEngine;", 'worker/connect.ts'],
    ['engine/core/probe.ts', "import type { Engine } from '../../kernel-node/main.ts';\nexport type X = Engine;", 'kernel-node/main.ts'],
    ['engine/core/probe.ts', "import '/web/main.ts';", 'web/main.ts'],
    ['engine/cli/probe.ts', "import 'worker/connect.ts';", 'worker/connect.ts'],
    ['engine/probe.ts', "export const all = import.meta.glob('../kernel-node/**/*.ts');", 'kernel-node'],
    ['engine/probe.ts', "export const t = (await import('../test/unit/boundary.test.ts')).default;", 'test/unit/boundary.test.ts'],
    ['worker/probe.ts', "export * from '../kernel-node/http/server.ts';", 'kernel-node/http/server.ts'],
    ['worker/store/probe.ts', "import { x } from '../../web/main.ts';\nexport const y = x;", 'web/main.ts'],
    ['worker/runtime/probe.ts', "export const w = new URL('../../web/main.ts', import.meta.url);", 'web/main.ts'],
    ['kernel-node/probe.ts', "import { openBrowserPorts } from '../worker/engine-ports.ts';\nexport const x = openBrowserPorts;", 'worker/engine-ports.ts'],
    ['kernel-node/http/probe.ts', "export const page = () => import('../../web/app/local-engine.ts');", 'web/app/local-engine.ts'],
    ['kernel-node/probe.ts', 'export const files = import.meta.glob(`/worker/store/*.ts`);', 'worker/store'],
    ['web/probe.ts', "import { ENGINE_METHODS } from '../worker/engine-methods.ts';\nexport const x = ENGINE_METHODS;", 'worker/engine-methods.ts'],
    ['web/Connect/probe.ts', "export type T = import('../../worker/engine-wire.ts').HandleMarker;", 'worker/engine-wire.ts'],
    ['web/app/probe.ts', "export const w = new URL('../../worker/engine-worker.ts', import.meta.url);", 'worker/engine-worker.ts'],
    ['web/app/probe.ts', "export const hosts = import.meta.glob('/worker/*.ts');", 'worker'],
    // Matches worker/connect.ts - and any sibling named so later.
    ['web/app/probe.ts', "export const hosts = import.meta.glob('/worker/conn*.ts');", 'worker/conn'],
    ['web/app/probe.ts', "export const hosts = import.meta.glob(['/tutorial/lessons/*/*.md', '../../worker/store/*.ts']);", 'worker/store'],
    ['web/app/probe.ts', "export const hosts = import.meta.glob('./*.ts', { base: '/worker/runtime' });", 'worker/runtime'],
    ['web/probe.ts', "export { x } from '../kernel-node/main.ts';", 'kernel-node/main.ts'],
  ];
  for (const [file, code, target] of crossings) {
    it(`${file}: ${code.split('\n')[0]}`, async () => {
      const errors = await boundaryErrors(code, file);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`reaches ${target}`);
    });
  }

  it('reports an import whose path is not a literal: it could reach anything', async () => {
    const errors = await boundaryErrors('export const load = (name: string) => import(name);', 'engine/probe.ts');
    expect(errors).toEqual([expect.stringContaining('dynamic import whose path is not a literal')]);
  });

  it('resolves an alias it is given', async () => {
    const eslint = new ESLint({
      overrideConfig: { files: ['**/*.ts'], rules: { [BOUNDARY]: ['error', { areas: { web: ['web', 'engine'] }, aliases: { '@host/': 'worker/' } }] } },
    });
    expect(await boundaryErrors("import '@host/connect.ts';", 'web/probe.ts', eslint)).toEqual([expect.stringContaining('reaches worker/connect.ts')]);
    expect(await boundaryErrors("import '@host/../engine/engine.ts';", 'web/probe.ts', eslint)).toEqual([]);
  });
});

describe('package boundaries: allowed imports pass', () => {
  const allowed: Array<[string, string]> = [
    ['engine/core/probe.ts', "import { EngineError } from '../errors.ts';\nimport type { Engine } from '/engine/engine.ts';\nexport type X = [EngineError, Engine];"],
    ['worker/store/probe.ts', "import type { MetadataStore } from '../../engine/ports.ts';\nimport { DB_NAME } from './schema.ts';\nexport type X = [MetadataStore, typeof DB_NAME];"],
    ['worker/runtime/probe.ts', "export const w = new URL('../process/process-worker.ts', import.meta.url);"],
    ['kernel-node/probe.ts', "import { createEngine } from '../engine/core/create-engine.ts';\nexport const x = createEngine;"],
    ['web/app/probe.ts', "export const load = () => import('../../worker/connect.ts');"],
    ['web/app/probe.ts', "import type { Engine } from '../../engine/engine.ts';\nexport type X = Engine;"],
    ['web/app/probe.ts', "export const lessons = import.meta.glob('/tutorial/lessons/*/*.md', { query: '?raw', eager: true });"],
    ['web/app/probe.ts', "export const examples = import.meta.glob('/images/examples/**/*');"],
    // Test code may import anything.
    ['test/unit/probe.test.ts', "import '../../worker/engine-worker.ts';\nimport '../../web/main.ts';\nimport '../../kernel-node/main.ts';"],
    ['bench/probe.ts', "import '../worker/engine-ports.ts';\nexport const g = import.meta.glob('/web/**/*.ts');"],
  ];
  for (const [file, code] of allowed) {
    it(`${file}: ${code.split('\n')[0]}`, async () => {
      expect(await boundaryErrors(code, file)).toEqual([]);
    });
  }
});

describe('package boundaries: Svelte components', () => {
  // eslint reads no .svelte files here: their scripts are checked as the TypeScript they hold.
  const components = readdirSync('web', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.svelte'));
  it('finds the components', () => expect(components.length).toBeGreaterThan(5));
  it('no component script crosses a boundary', async () => {
    const eslint = new ESLint();
    const found: string[] = [];
    for (const file of components) {
      const source = readFileSync(join('web', file), 'utf8');
      for (const [, script] of source.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)) {
        const [result] = await eslint.lintText(script, { filePath: join('web', `${file}.script.ts`) });
        found.push(...result.messages.filter((m) => m.ruleId === BOUNDARY || m.fatal).map((m) => `${file}: ${m.message}`));
      }
    }
    expect(found).toEqual([]);
  });
});
