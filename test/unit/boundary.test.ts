import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';

// The lint rule that keeps engine/ host-neutral must itself be alive: feed it a violation.
describe('engine/ boundary rule', () => {
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
