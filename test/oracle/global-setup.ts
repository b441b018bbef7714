/**
 * Once per oracle run: the real Docker Engine (reference-engine.ts) and our kernel service
 * (test/kernel/service.ts), both with `box` ready, side by side. The test files share them, so
 * every scenario uses names of its own and removes what it made. Both are stopped, the network
 * namespace deleted and the temp directory removed when the run ends, failed or not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startService, type RunningService } from '../kernel/service.ts';
import { dockerCli } from './docker-cli.ts';
import { startReferenceEngine, type ReferenceEngine } from './reference-engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    oracle: { dir: string; referenceSocket: string; kernelSocket: string };
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'dockyard-oracle-'));
  let reference: ReferenceEngine | undefined;
  let kernel: RunningService | undefined;
  const teardown = async () => {
    await Promise.allSettled([reference?.stop(), kernel?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [r, k] = await Promise.allSettled([startReferenceEngine(join(dir, 'reference')), startService(join(dir, 'kernel'))]);
    if (r.status === 'fulfilled') reference = r.value;
    if (k.status === 'fulfilled') kernel = k.value;
    if (r.status === 'rejected') throw r.reason;
    if (k.status === 'rejected') throw k.reason;
    const pulled = await dockerCli(kernel!.socket, dir, ['pull', '-q', 'box']);
    if (pulled.code !== 0) throw new Error(`docker pull box on the kernel service: ${pulled.stderr}`);
  } catch (e) {
    await teardown();
    throw e;
  }
  project.provide('oracle', { dir, referenceSocket: reference!.socket, kernelSocket: kernel!.socket });
  return teardown;
}
