/** `docker top` over the real engine core: the main process and its execs, as ps -ef, laid out as docker's CLI. */
import { describe, expect, it } from 'vitest';
import { boxHosts } from '../core/support/box-hosts.ts';
import { docker } from './fake-engine.ts';

const hosts = boxHosts();

describe('docker top', () => {
  it('lists the main process and a running exec; refuses a stopped container and ps options in words', async () => {
    const h = await hosts.host({ pulled: true });
    expect((await docker(h.engine, 'docker run -d --name live box sleep 30')).status).toBe(0);
    const { Id: execId } = await h.engine.createExec('live', { Cmd: ['sleep', '20'] });
    await h.engine.startExec(execId, { onOutput: () => {} });
    const r = await docker(h.engine, 'docker top live');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD');
    expect(lines[1]).toMatch(/^root {16}(\d+) +0 {19}0 {19}\d\d:\d\d {15}\? {19}00:00:00 {12}sleep 30$/);
    expect(lines[2]).toMatch(/^root {16}\d+ +0 .* sleep 20$/);
    expect(lines[3]).toBe('');
    const pids = lines.slice(1, 3).map((l) => l.split(/ +/)[1]);
    expect(new Set(pids).size).toBe(2);
    expect((await docker(h.engine, 'docker container top live -ef')).status).toBe(0);
    expect((await docker(h.engine, 'docker top live aux')).stderr).toBe('Error response from daemon: ps options "aux" are not supported by this engine: it lists its processes as ps -ef does\n');
    await docker(h.engine, 'docker kill live');
    const stopped = await docker(h.engine, 'docker top live');
    expect(stopped.status).toBe(1);
    expect(stopped.stderr).toMatch(/^Error response from daemon: Container [0-9a-f]{64} is not running\n$/);
    expect((await docker(h.engine, 'docker top nosuch')).stderr).toBe('Error response from daemon: No such container: nosuch\n');
  });
});
