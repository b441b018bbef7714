/**
 * The checks of the services, networks and compose lessons (issue 19 §1): `port`, `network`,
 * `project` - their grammar, and that each reads the state it names and fails without it.
 */
import { describe, expect, it } from 'vitest';
import { CheckSyntaxError, parseCheck } from '../../../web/Tutorial/check-syntax.ts';
import { evaluateCheck, type CheckProbes } from '../../../web/Tutorial/checks.ts';
import type { ContainerSummary, Engine, NetworkInspect } from '../../../engine/engine.ts';
import type { PortFetch, PortFetchRequest } from '../../../web/sw/preview-fetch.ts';

describe('check syntax: port, network, project', () => {
  it('reads a port with its answer, a network with a container count, a project with a service count', () => {
    expect(parseCheck('port 8080 answers~="It works"')).toMatchObject({ subject: 'port', args: ['8080'], conditions: [{ key: 'answers', op: '~=', value: 'It works' }] });
    expect(parseCheck('network app containers>=2')).toMatchObject({ subject: 'network', args: ['app'], conditions: [{ key: 'containers', op: '>=', value: '2' }] });
    expect(parseCheck('project hits services=0')).toMatchObject({ subject: 'project', args: ['hits'], conditions: [{ key: 'services', op: '=', value: '0' }] });
    expect(parseCheck('port 1')).toMatchObject({ args: ['1'], conditions: [] });
  });

  it.each([
    ['port', /expected 1 argument/],
    ['port http', /host port: expected a port number/],
    ['port 0', /expected a port number/],
    ['port 65536', /expected a port number/],
    ['port 8080 answers=x', /answers takes ~=, not =/],
    ['port 8080 body~=x', /unknown key "body"/],
    ['network', /expected 1 argument/],
    ['network app containers~=2', /containers takes =/],
    ['network app containers>=two', /expected a whole number/],
    ['project', /expected 1 argument/],
    ['project hits running=1', /unknown key "running"/],
  ])('refuses %s', (line, message) => {
    expect(() => parseCheck(line)).toThrow(CheckSyntaxError);
    expect(() => parseCheck(line)).toThrow(message);
  });
});

function summary(name: string, over: Partial<ContainerSummary> = {}): ContainerSummary {
  return { Id: `${name}`.padEnd(64, '0'), Names: [`/${name}`], State: 'running', Ports: [], Labels: {}, Mounts: [], ...over } as unknown as ContainerSummary;
}

function engineWith(containers: ContainerSummary[], networks: Record<string, string[]> = {}): Engine {
  const notFound = (what: string) => Object.assign(new Error(`network ${what} not found`), { code: 'not-found' });
  return {
    listContainers: async (options?: { all?: boolean }) => containers.filter((c) => options?.all || c.State === 'running'),
    inspectNetwork: async (name: string) => {
      const ids = networks[name];
      if (!ids) throw notFound(name);
      return { Name: name, Containers: Object.fromEntries(ids.map((id) => [id, {}])) } as unknown as NetworkInspect;
    },
  } as unknown as Engine;
}

const web = (hostPort: number, state: ContainerSummary['State'] = 'running') => summary('web', { State: state, Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: hostPort, Type: 'tcp' }] });

/** A preview path that answers with this status and body, and records what it was asked. */
function answering(status: number, body: string, asked: Array<[number, PortFetchRequest]> = []): CheckProbes {
  const fetchPort: PortFetch = async (hostPort, request) => {
    asked.push([hostPort, request]);
    return { status, statusText: 'OK', headers: [], body: new Response(body).body };
  };
  return { fetchPort };
}

describe('port check', () => {
  it('holds when a GET / through the published port answers 2xx containing the text', async () => {
    const asked: Array<[number, PortFetchRequest]> = [];
    expect(await evaluateCheck(engineWith([web(8080)]), parseCheck('port 8080 answers~="It works"'), answering(200, '<h1>It works!</h1>', asked))).toBe(true);
    expect(asked.map(([port, r]) => [port, r.method, r.target])).toEqual([[8080, 'GET', '/']]);
  });

  it('fails on another text, an error status, a port nobody publishes or a stopped publisher (and asks nothing then)', async () => {
    const check = parseCheck('port 8080 answers~="It works"');
    expect(await evaluateCheck(engineWith([web(8080)]), check, answering(200, 'v2'))).toBe(false);
    expect(await evaluateCheck(engineWith([web(8080)]), check, answering(404, 'It works'))).toBe(false);
    const asked: Array<[number, PortFetchRequest]> = [];
    expect(await evaluateCheck(engineWith([web(8081)]), check, answering(200, 'It works', asked))).toBe(false);
    expect(await evaluateCheck(engineWith([web(8080, 'exited')]), check, answering(200, 'It works', asked))).toBe(false);
    expect(asked).toEqual([]);
  });

  it('fails when nothing listens behind the port (the preview path says so)', async () => {
    const refused: CheckProbes = { fetchPort: async () => ({ kind: 'refused', message: 'connection refused' }) };
    expect(await evaluateCheck(engineWith([web(8080)]), parseCheck('port 8080'), refused)).toBe(false);
  });

  it('is an error, not a quiet failure, on a page without the preview path', async () => {
    await expect(evaluateCheck(engineWith([web(8080)]), parseCheck('port 8080'), {})).rejects.toThrow(/cannot reach published ports/);
    const noWorker: CheckProbes = { fetchPort: async () => ({ kind: 'no-service-worker', message: 'reload the page' }) };
    await expect(evaluateCheck(engineWith([web(8080)]), parseCheck('port 8080'), noWorker)).rejects.toThrow(/reload the page/);
  });
});

/** The check, written as a lesson writes it, evaluated on this engine. */
const holds = (engine: Engine, line: string) => evaluateCheck(engine, parseCheck(line));

describe('network check', () => {
  const engine = engineWith([], { app: ['a', 'b'], bridge: [] });
  it('holds for an existing network, with its count of attached containers', async () => {
    expect(await holds(engine, 'network app')).toBe(true);
    expect(await holds(engine, 'network app containers=2')).toBe(true);
    expect(await holds(engine, 'network bridge containers=0')).toBe(true);
  });
  it('fails for a missing network or another count', async () => {
    expect(await holds(engine, 'network other')).toBe(false);
    expect(await holds(engine, 'network app containers>=3')).toBe(false);
    expect(await holds(engine, 'network bridge containers>=1')).toBe(false);
  });
});

describe('project check', () => {
  const labels = (project: string, service: string) => ({ 'com.docker.compose.project': project, 'com.docker.compose.service': service });
  const engine = engineWith([
    summary('hits-web-1', { Labels: labels('hits', 'web') }),
    summary('hits-kv-1', { Labels: labels('hits', 'kv') }),
    summary('hits-web-2', { Labels: labels('hits', 'web') }),
    summary('other-db-1', { Labels: labels('other', 'db'), State: 'exited' }),
    summary('loose', { Labels: { 'com.docker.compose.service': 'web' } }),
  ]);
  it('holds while a service of the project runs, counting services (not containers)', async () => {
    expect(await holds(engine, 'project hits')).toBe(true);
    expect(await holds(engine, 'project hits services=2')).toBe(true);
  });
  it('fails for a project not running, and services=0 holds only when it is down', async () => {
    expect(await holds(engine, 'project other')).toBe(false);
    expect(await holds(engine, 'project other services=0')).toBe(true);
    expect(await holds(engine, 'project hits services=0')).toBe(false);
    expect(await holds(engine, 'project hits services>=3')).toBe(false);
    expect(await holds(engine, 'project web')).toBe(false);
  });
});
