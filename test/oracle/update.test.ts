import { afterAll, beforeEach, describe } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();
beforeEach(() => o.reset());
afterAll(() => o.reset());

describe('docker update', () => {
  oracleIt("--memory and --memory-swap with Docker's checks", async () => {
    await o.same(['create', '--name', 'plain', 'box', 'sleep', '30']);
    await o.same(['update', '--memory', '64m', 'plain']);
    await o.same(['update', '--memory', '1m', 'plain']);
    await o.same(['update', '--memory', '32m', '--memory-swap', '64m', 'plain']);
    await o.same(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}', 'plain']);
    await o.same(['update', '--memory', '128m', 'plain']);
    await o.same(['update', '--memory', '48m', 'plain']);
    await o.same(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}', 'plain']);
    await o.same(['create', '--name', 'capped', '-m', '64m', 'box']);
    await o.same(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}', 'capped']);
    await o.same(['update', '-m', '256m', 'capped']);
    await o.same(['update', '-m', '100m', 'capped']);
    await o.same(['update', 'plain']);
    await o.same(['update', '--memory', '64m', 'nosuch']);
    await o.same(['update', '--memory', '40m', 'plain', 'nosuch']);
  });
});
