/**
 * The label filter as Compose clients send it over the Engine API: several `label` values must
 * all match (Docker's MatchKVList) for containers, volumes and networks. docker-compose 1.29 finds
 * a service's containers with three labels at once; taking any one of them numbered `web` after
 * `kv` (`proj_web_2`).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiHost, type ApiHost } from '../docker-api/support/api-host.ts';
import { http } from '../docker-api/support/raw-http.ts';

vi.setConfig({ testTimeout: 30_000 });
let api: ApiHost;
let port: number;
beforeAll(async () => {
  api = await startApiHost();
  port = api.listener.port;
});
afterAll(() => api.dispose());

const query = (filters: Record<string, string[]>) => `filters=${encodeURIComponent(JSON.stringify(filters))}`;
const post = async (path: string, body: unknown) => {
  const r = await http(port, 'POST', path, { body: JSON.stringify(body) });
  expect(r.status, r.text).toBe(201);
  return r.json() as { Id?: string; Name?: string };
};

describe('label filters: every label given must match', () => {
  it('containers, volumes and networks', async () => {
    const labels = (service: string) => ({ 'com.docker.compose.project': 'proj', 'com.docker.compose.service': service });
    const kv = (await post('/containers/create?name=proj_kv_1', { Image: 'box', Cmd: ['true'], Labels: labels('kv') })).Id;
    const web = (await post('/containers/create?name=proj_web_1', { Image: 'box', Cmd: ['true'], Labels: labels('web') })).Id;
    const both = ['com.docker.compose.project=proj', 'com.docker.compose.service=web'];
    const list = async (path: string) => (await http(port, 'GET', path)).json() as unknown;
    expect(((await list(`/containers/json?all=1&${query({ label: both })}`)) as Array<{ Id: string }>).map((c) => c.Id)).toEqual([web]);
    expect(((await list(`/containers/json?all=1&${query({ label: ['com.docker.compose.project=proj'] })}`)) as Array<{ Id: string }>).map((c) => c.Id).sort()).toEqual([kv, web].sort());
    expect(await list(`/containers/json?all=1&${query({ label: ['com.docker.compose.project=proj', 'com.docker.compose.service=db'] })}`)).toEqual([]);

    await post('/volumes/create', { Name: 'proj_data', Labels: { 'com.docker.compose.project': 'proj', 'com.docker.compose.volume': 'data' } });
    await post('/volumes/create', { Name: 'other_data', Labels: { 'com.docker.compose.project': 'other', 'com.docker.compose.volume': 'data' } });
    const volumes = (await list(`/volumes?${query({ label: ['com.docker.compose.project=proj', 'com.docker.compose.volume=data'] })}`)) as { Volumes: Array<{ Name: string }> };
    expect(volumes.Volumes.map((v) => v.Name)).toEqual(['proj_data']);

    await post('/networks/create', { Name: 'proj_default', Labels: { 'com.docker.compose.project': 'proj', 'com.docker.compose.network': 'default' } });
    await post('/networks/create', { Name: 'other_default', Labels: { 'com.docker.compose.project': 'other', 'com.docker.compose.network': 'default' } });
    const networks = (await list(`/networks?${query({ label: ['com.docker.compose.network=default', 'com.docker.compose.project=proj'] })}`)) as Array<{ Name: string }>;
    expect(networks.map((n) => n.Name)).toEqual(['proj_default']);
  });
});
