import type { BuildOptions, BuildResult } from '../engine.ts';
import { EngineError } from '../errors.ts';
import type { ContainerRunner } from './container-run.ts';
import type { Core } from './context.ts';

export async function build(_core: Core, _runner: ContainerRunner, _options: BuildOptions): Promise<BuildResult> {
  throw new EngineError('unavailable', 'build: not yet');
}
