/**
 * `docker exec -it` from the playground to a kernel service: the same engine/cli and the same
 * Engine API client a terminal tab connected to a kernel uses (DockerApiEngine, exec start over
 * attach/ws), with a terminal that types a line only once the exec's shell has prompted for it.
 * The exec gets a pseudo-terminal of its own (output in CRLF, as a pty shows it), its typed input,
 * and `exit 3` is the CLI's status; the container keeps running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runDocker } from '../../engine/cli/index.ts';
import type { CliIO } from '../../engine/cli/io.ts';
import { DockerApiEngine, type WebSocketConstructor } from '../../engine/docker-api/client.ts';
import { startKernelService, type KernelService } from '../parity/kernel-service.ts';

let kernel: KernelService;
let engine: DockerApiEngine;

beforeAll(async () => {
  kernel = await startKernelService({ allowOrigin: [] });
  engine = new DockerApiEngine({ baseUrl: kernel.url, token: kernel.token, WebSocket: WebSocket as unknown as WebSocketConstructor });
  expect(await docker(['pull', '-q', 'box'])).toMatchObject({ code: 0 });
  expect(await docker(['run', '-d', '--name', 'shelf', 'box', 'sleep', '900'])).toMatchObject({ code: 0 });
});

afterAll(async () => {
  await kernel?.stop();
});

/** Run a docker command line; `lines` are typed one per prompt ("/ # ") the output shows. */
async function docker(argv: string[], lines?: string[], more: Partial<CliIO> = {}): Promise<{ code: number; out: string; raw: boolean[] }> {
  let out = '';
  const raw: boolean[] = [];
  const pending = [...(lines ?? [])];
  let typed = 0;
  const prompts = () => out.split('/ # ').length - 1;
  const io: CliIO = {
    stdout: (t) => (out += t),
    stderr: (t) => (out += t),
    isTTY: true,
    columns: 100,
    rawInput: (r) => raw.push(r),
    ...(lines
      ? {
          stdin: {
            async read(signal) {
              while (prompts() <= typed && !signal?.aborted) await new Promise((r) => setTimeout(r, 20));
              if (signal?.aborted || pending.length === 0) return null;
              typed += 1;
              return new TextEncoder().encode(pending.shift()!);
            },
          },
        }
      : {}),
    ...more,
  };
  const code = await runDocker(engine, argv, io);
  return { code, out, raw };
}

describe('docker exec -it on the kernel service, through the playground\'s client', () => {
  it('a prompt, a terminal, typed lines and `exit 3` as the CLI\'s status; the container keeps running', async () => {
    const r = await docker(['exec', '-it', 'shelf', 'sh'], ['[ -t 0 ] && [ -t 1 ] && echo on-a-tty; echo TERM=$TERM; echo typed-$((6*7)) > /tmp/by-exec\n', 'cat /tmp/by-exec; exit 3\n']);
    expect(r.code).toBe(3);
    expect(r.out).toContain('on-a-tty\r\nTERM=xterm\r\n');
    expect(r.out).toContain('typed-42\r\n');
    expect(r.raw).toEqual([true, false]);
    const ps = await docker(['ps', '--filter', 'name=shelf', '--format', '{{.Names}} {{.State}}']);
    expect(ps.out).toBe('shelf running\n');
  });

  it('-i without -t: typed lines reach the exec, no terminal, end of input ends it', async () => {
    const chunks = ['[ -t 0 ] || echo not-a-tty; read w; echo got-$w\n', 'word\n'];
    const r = await docker(['exec', '-i', 'shelf', 'sh'], undefined, {
      stdin: { read: async () => (chunks.length ? new TextEncoder().encode(chunks.shift()!) : null) },
    });
    expect(r).toMatchObject({ code: 0, out: 'not-a-tty\ngot-word\n', raw: [] });
  });
});
