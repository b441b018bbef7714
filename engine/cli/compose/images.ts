/**
 * A service's image before its container is made: built from its `build:` context (through the
 * terminal's buildContext, as `docker build` reads it) when it has one and the image is missing or
 * `--build` asks, pulled when it is missing otherwise. Resolves with the image ID.
 */
import { isEngineError } from '../../errors.ts';
import { StatusError } from '../command.ts';
import { progressDisplay } from '../progress.ts';
import { registryAuthFor } from '../pull.ts';
import { errorText } from '../report.ts';
import type { ComposeContext } from './compose-context.ts';
import { ComposeError } from './compose-error.ts';
import { joinPath } from './paths.ts';
import type { Project } from './project-model.ts';
import type { Service } from './service-model.ts';

async function imageId(ccx: ComposeContext, reference: string): Promise<string | undefined> {
  try {
    return (await ccx.cx.engine.inspectImage(reference)).Id;
  } catch (e) {
    if (isEngineError(e, 'not-found')) return undefined;
    throw e;
  }
}

export async function ensureImage(ccx: ComposeContext, project: Project, service: Service, options: { build: boolean }): Promise<string> {
  const present = await imageId(ccx, service.image);
  if (service.build && (options.build || !present)) return buildImage(ccx, project, service);
  if (present) return present;
  ccx.progress('', service.name, 'Pulling');
  const display = progressDisplay(() => {}, false);
  try {
    const image = await ccx.cx.engine.pull(service.image, { onProgress: display.listener, auth: registryAuthFor(ccx.cx, service.image) });
    if (display.failure) throw new ComposeError(display.failure);
    ccx.progress('', service.name, 'Pulled');
    return image.Id;
  } catch (e) {
    ccx.progress('', service.name, 'Error');
    throw new ComposeError(display.failure ?? errorText(e));
  }
}

/** `docker compose build` of one service: the build's own lines, then Compose's. */
export async function buildImage(ccx: ComposeContext, project: Project, service: Service): Promise<string> {
  const build = service.build!;
  const { cx } = ccx;
  if (!cx.io.buildContext) throw new ComposeError('this terminal cannot read build contexts');
  const dir = joinPath(project.loaded.dir, build.context);
  let context: Record<string, Uint8Array>;
  try {
    context = await cx.io.buildContext(dir);
  } catch {
    throw new ComposeError(`unable to prepare context: path "${joinPath(project.loaded.absoluteDir, build.context)}" not found`);
  }
  ccx.progress('Service', service.name, 'Building');
  const display = progressDisplay((t) => cx.out(t), false);
  try {
    const result = await cx.engine.build({
      context,
      ...(build.dockerfile ? { dockerfile: build.dockerfile } : {}),
      tags: [service.image],
      buildArgs: build.args,
      labels: { ...build.labels, 'com.docker.compose.project': project.name, 'com.docker.compose.service': service.name },
      ...(build.target ? { target: build.target } : {}),
      onProgress: display.listener,
    });
    if (display.failure) throw new Error(display.failure);
    ccx.progress('Service', service.name, 'Built');
    return result.ImageId;
  } catch (e) {
    const message = display.failure ?? (e instanceof Error ? e.message : String(e));
    throw new StatusError(isEngineError(e) && typeof e.details?.exitCode === 'number' ? e.details.exitCode : 1, `failed to solve: ${message}`);
  }
}
