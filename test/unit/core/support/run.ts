import type { ContainerCreate, Engine } from '../../../../engine/engine.ts';

const dec = new TextDecoder();

export interface RunResult {
  id: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** `docker run` as the CLI does it: create, attach, wait (next-exit), start, then the exit code. */
export async function run(engine: Engine, create: ContainerCreate, options: { stdin?: string } = {}): Promise<RunResult> {
  const { Id } = await engine.createContainer({ ...create, ...(options.stdin !== undefined ? { OpenStdin: true, AttachStdin: true, StdinOnce: true } : {}) });
  let stdout = '';
  let stderr = '';
  const stream = await engine.attachContainer(Id, {
    stdin: options.stdin !== undefined,
    onOutput: (s, d) => {
      if (s === 1) stdout += dec.decode(d);
      else stderr += dec.decode(d);
    },
  });
  if (options.stdin !== undefined) {
    await stream.write(new TextEncoder().encode(options.stdin));
    await stream.closeStdin();
  }
  const wait = engine.waitContainer(Id, 'next-exit');
  await engine.startContainer(Id);
  const { StatusCode } = await wait;
  await stream.detach();
  return { id: Id, code: StatusCode, stdout, stderr };
}

/** Poll until `check` holds (a live condition, not a timed assertion); gives up after `tries`. */
export async function eventually(check: () => Promise<boolean>, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition never held');
}
