/**
 * A -t container starts at the size of the terminal docker runs in (HostConfig.ConsoleSize, as
 * docker's CLI sends it), and a WASI program, which has no ioctl to ask, reads it from COLUMNS and
 * LINES (issue 20: the page's terminal is wider than 80 columns, programs must know it).
 */
import { describe, expect, it } from 'vitest';
import { boxHosts } from '../core/support/box-hosts.ts';
import { docker } from './fake-engine.ts';
import { containerCreate } from '../../../engine/docker-api/bodies.ts';
import { consoleEnv, containerEnv } from '../../../engine/wasi/process-host.ts';

const { host } = boxHosts();

const terminal = { isTTY: true, columns: 97, rows: 31 };

describe('the console size of docker run -t', () => {
  it('docker run -t on a terminal starts the container at its size: inspect shows ConsoleSize [rows, columns]', async () => {
    const h = await host();
    expect((await docker(h.engine, 'docker run -t --name sized box true', terminal)).status).toBe(0);
    expect((await docker(h.engine, "docker inspect -f '{{json .HostConfig.ConsoleSize}}' sized")).stdout).toBe('[31,97]\n');
  });

  it('an attached -t container follows the terminal when it is resized, and stops following when it ends', async () => {
    const h = await host();
    const sizes: string[] = [];
    const engine = new Proxy(h.engine, {
      get: (target, key) =>
        key === 'resizeContainer'
          ? (id: string, rows: number, cols: number) => (sizes.push(`${rows}x${cols}`), target.resizeContainer(id, rows, cols))
          : Reflect.get(target, key),
    });
    let listening = 0;
    const r = await docker(engine, "docker run -t box sh -c 'sleep 0.3'", {
      ...terminal,
      onResize: (listener) => {
        listening += 1;
        listener(40, 120); // the window changed while the container ran
        return () => (listening -= 1);
      },
    });
    expect(r.status).toBe(0);
    expect(sizes).toEqual(['31x97', '40x120']);
    expect(listening).toBe(0);
  });

  it('without -t, or with no terminal, the container gets no console size', async () => {
    const h = await host();
    await docker(h.engine, 'docker pull -q box');
    await docker(h.engine, 'docker run --name plain box true', terminal);
    await docker(h.engine, 'docker run -t --name piped box true', { isTTY: false, columns: 97 });
    for (const name of ['plain', 'piped']) {
      expect((await docker(h.engine, `docker inspect -f '{{json .HostConfig.ConsoleSize}}' ${name}`)).stdout).toBe('null\n');
    }
  });

  it('a WASI program gets COLUMNS and LINES under -t, before the container env (which wins)', () => {
    const size = { rows: 31, cols: 97 };
    expect(consoleEnv({ tty: true, consoleSize: size })).toEqual(['COLUMNS=97', 'LINES=31']);
    expect(consoleEnv({ tty: false, consoleSize: size })).toEqual([]);
    expect(consoleEnv({ tty: true })).toEqual([]);
    const env = containerEnv({ env: [...consoleEnv({ tty: true, consoleSize: size }), 'COLUMNS=40'], cwd: '/', tty: true });
    expect(env).toEqual(['TERM=xterm', 'COLUMNS=40', 'LINES=31', 'PWD=/']);
  });

  it('the Engine API takes ConsoleSize from the body; [0, 0] (no terminal) is none', () => {
    expect(containerCreate({ Image: 'box', HostConfig: { ConsoleSize: [24, 132] } }, undefined).HostConfig?.ConsoleSize).toEqual([24, 132]);
    expect(containerCreate({ Image: 'box', HostConfig: { ConsoleSize: [0, 0] } }, undefined).HostConfig).toBeUndefined();
  });
});
