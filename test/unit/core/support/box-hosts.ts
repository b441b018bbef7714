import { afterEach, beforeAll } from 'vitest';
import type { Layout } from './oci-fixtures.ts';
import { layoutWithBox } from './shipped.ts';
import { makeHost, type TestHost } from './test-host.ts';

/**
 * Test hosts over the shipped box layout for one test file: the layout is assembled once, each
 * host is disposed after its test. `host({ pulled: true })` has box pulled already.
 */
export function boxHosts(): { host(options?: { pulled?: boolean; clock?: 'real' }): Promise<TestHost> } {
  const hosts: TestHost[] = [];
  let layout: Layout;
  beforeAll(async () => {
    layout = await layoutWithBox();
  });
  afterEach(() => hosts.splice(0).forEach((h) => h.dispose()));
  return {
    async host(options = {}) {
      const h = makeHost({ layout, ...(options.clock ? { clock: options.clock } : {}) });
      hosts.push(h);
      if (options.pulled) await h.engine.pull('box');
      return h;
    },
  };
}
