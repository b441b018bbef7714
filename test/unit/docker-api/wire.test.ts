/**
 * The Docker Engine API on the wire, as a docker client relies on it: statuses, headers, error
 * bodies, versioned paths, hijacked streams and their frames - against the real core on loopback.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeTar } from '../../../engine/tar/tar-writer.ts';
import { startApiHost, type ApiHost } from './support/api-host.ts';
import { decodeFrames, hijack, http, httpHeadFirst } from './support/raw-http.ts';

// a shared machine runs these next to other suites: generous per-test limits, no timing asserted
vi.setConfig({ testTimeout: 30_000 });
let api: ApiHost;
let port: number;
beforeAll(async () => {
  api = await startApiHost();
  port = api.listener.port;
});
afterAll(() => api.dispose());

async function create(body: Record<string, unknown>, name?: string): Promise<string> {
  const r = await http(port, 'POST', `/v1.50/containers/create${name ? `?name=${name}` : ''}`, { body: JSON.stringify(body) });
  expect(r.status, r.text).toBe(201);
  return (r.json() as { Id: string }).Id;
}

describe('transport', () => {
  it('answers HEAD and GET /_ping with the headers the CLI negotiates from', async () => {
    for (const method of ['HEAD', 'GET']) {
      const r = await http(port, method, '/_ping');
      expect(r.status).toBe(200);
      expect(r.headers['api-version']).toBe('1.50');
      expect(r.headers['ostype']).toBe('linux');
      expect(r.headers['docker-experimental']).toBe('false');
      expect(r.headers['builder-version']).toBe('1');
      expect(r.headers['swarm']).toBe('inactive');
      expect(r.text).toBe(method === 'GET' ? 'OK' : '');
    }
  });

  it('serves every path with or without a /v1.xx prefix, and refuses versions out of range', async () => {
    const plain = await http(port, 'GET', '/version');
    const versioned = await http(port, 'GET', '/v1.50/version');
    const older = await http(port, 'GET', '/v1.44/images/json');
    expect([plain.status, versioned.status, older.status]).toEqual([200, 200, 200]);
    expect(versioned.json()).toMatchObject({ ApiVersion: '1.50', MinAPIVersion: '1.42' });
    const tooNew = await http(port, 'GET', '/v1.51/version');
    expect(tooNew.status).toBe(400);
    expect(tooNew.json()).toEqual({ message: 'client version 1.51 is too new. Maximum supported API version is 1.50' });
    const tooOld = await http(port, 'GET', '/v1.24/version');
    expect(tooOld.status).toBe(400);
    expect((tooOld.json() as { message: string }).message).toMatch(/^client version 1.24 is too old. Minimum supported API version is 1.42/);
  });

  it('answers errors as {"message"} with Content-Type exactly application/json', async () => {
    const missing = await http(port, 'GET', '/v1.50/containers/nosuch/json');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json');
    expect(missing.json()).toEqual({ message: 'No such container: nosuch' });
    const image = await http(port, 'GET', '/v1.50/images/nosuch/json');
    expect([image.status, image.json()]).toEqual([404, { message: 'No such image: nosuch:latest' }]);
    const route = await http(port, 'GET', '/v1.50/no/such/route');
    expect([route.status, route.json()]).toEqual([404, { message: 'page not found' }]);
    // Docker's router answers a known path with another method, and a route of a command we lack, the same way.
    const method = await http(port, 'PUT', '/v1.50/containers/json');
    expect([method.status, method.headers['content-type'], method.json()]).toEqual([404, 'application/json', { message: 'page not found' }]);
    const checkpoints = await http(port, 'GET', '/v1.50/containers/nosuch/checkpoints');
    expect([checkpoints.status, checkpoints.json()]).toEqual([404, { message: 'page not found' }]);
  });

  it('decodes percent-encoded names with slashes and colons in image paths', async () => {
    const r = await http(port, 'GET', `/v1.50/images/${encodeURIComponent('docker.io/library/box:latest')}/json`);
    expect(r.status, r.text).toBe(200);
    const slashes = await http(port, 'GET', '/v1.50/images/docker.io/library/box:latest/json');
    expect(slashes.status, slashes.text).toBe(200);
    expect((slashes.json() as { Id: string }).Id).toBe((r.json() as { Id: string }).Id);
  });

  it('refuses a JSON body over the limit and malformed JSON with 4xx answers', async () => {
    const huge = await http(port, 'POST', '/v1.50/containers/create', { body: JSON.stringify({ Image: 'box', Env: ['X=' + 'a'.repeat(2 * 1024 * 1024)] }) });
    expect(huge.status).toBe(413);
    const broken = await http(port, 'POST', '/v1.50/containers/create', { body: '{"Image": "box",' });
    expect(broken.status).toBe(400);
    expect(broken.headers['content-type']).toBe('application/json');
    const wrongType = await http(port, 'POST', '/v1.50/containers/create', { body: JSON.stringify({ Image: 'box', Env: 'A=1' }) });
    expect([wrongType.status, (wrongType.json() as { message: string }).message]).toEqual([400, 'invalid JSON: Env must be an array of strings']);
  });
});

describe('create refuses host access (HOSTILE-INPUTS 22)', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['Privileged', { Privileged: true }, /^Privileged is not allowed/],
    ['CapAdd', { CapAdd: ['SYS_ADMIN'] }, /^CapAdd is not allowed/],
    ['host pid', { PidMode: 'host' }, /^PidMode "host" is not allowed/],
    ['host network', { NetworkMode: 'host' }, /^the host network is not available here/],
    ['another container\'s network', { NetworkMode: 'container:abc' }, /^NetworkMode "container:abc" is not allowed/],
    ['host ipc', { IpcMode: 'host' }, /^IpcMode "host" is not allowed/],
    ['devices', { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, /^Devices is not allowed/],
    ['unconfined seccomp', { SecurityOpt: ['seccomp=unconfined'] }, /^SecurityOpt "seccomp=unconfined" is not allowed/],
    ['host bind', { Binds: ['/:/host'] }, /host directories cannot be mounted here/],
    ['relative host bind', { Binds: ['./x:/host'] }, /host directories cannot be mounted here/],
    ['a bind mount', { Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] }, /^a mount of type "bind" is not allowed/],
  ];
  for (const [what, hostConfig, message] of cases) {
    it(`refuses ${what} with 400 and creates nothing`, async () => {
      const before = (await http(port, 'GET', '/containers/json?all=1')).json() as unknown[];
      const r = await http(port, 'POST', '/v1.50/containers/create', { body: JSON.stringify({ Image: 'box', HostConfig: hostConfig }) });
      expect(r.status).toBe(400);
      expect((r.json() as { message: string }).message).toMatch(message);
      expect(((await http(port, 'GET', '/containers/json?all=1')).json() as unknown[]).length).toBe(before.length);
    });
  }

  it('accepts what the docker CLI sends by default (empty modes, bridge network, no devices)', async () => {
    const id = await create({ Image: 'box', HostConfig: { Privileged: false, CapAdd: null, PidMode: '', NetworkMode: 'bridge', Devices: [], SecurityOpt: null, Binds: ['data1:/data'] } });
    const c = (await http(port, 'GET', `/containers/${id}/json`)).json() as { Mounts: Array<{ Name: string }> };
    expect(c.Mounts.map((m) => m.Name)).toEqual(['data1']);
  });
});

describe('containers', () => {
  it('creates (201), 404s a missing image, 409s a taken name, starts (204, then 304), waits and removes', async () => {
    const missing = await http(port, 'POST', '/v1.50/containers/create', { body: JSON.stringify({ Image: 'nosuch' }) });
    expect([missing.status, missing.json()]).toEqual([404, { message: 'No such image: nosuch:latest' }]);
    const id = await create({ Image: 'box', Cmd: ['sh', '-c', 'exit 4'] }, 'wire-life');
    const taken = await http(port, 'POST', '/v1.50/containers/create?name=wire-life', { body: JSON.stringify({ Image: 'box' }) });
    expect(taken.status).toBe(409);
    expect((taken.json() as { message: string }).message).toMatch(/is already in use/);
    const waiting = httpHeadFirst(port, 'POST', '/v1.50/containers/wire-life/wait?condition=next-exit');
    const head = await waiting;
    // the head of wait arrives before the container was even started: the CLI sends start after it
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/json');
    const started = await http(port, 'POST', `/v1.50/containers/${id}/start`);
    expect([started.status, started.text]).toEqual([204, '']);
    expect(JSON.parse(await head.body)).toEqual({ StatusCode: 4, Error: null });
    const again = await http(port, 'POST', '/v1.50/containers/wire-life/wait');
    expect(again.json()).toEqual({ StatusCode: 4, Error: null });
    const removed = await http(port, 'DELETE', '/v1.50/containers/wire-life');
    expect([removed.status, removed.text]).toEqual([204, '']);
    expect((await http(port, 'GET', `/containers/${id}/json`)).status).toBe(404);
  });

  it('answers 304 to start of a running container and stop of a stopped one, 409 to kill and rm of the wrong state', async () => {
    const id = await create({ Image: 'box', Cmd: ['sh', '-c', 'read x'], OpenStdin: true });
    expect((await http(port, 'POST', `/containers/${id}/start`)).status).toBe(204);
    expect((await http(port, 'POST', `/containers/${id}/start`)).status).toBe(304);
    const rm = await http(port, 'DELETE', `/containers/${id}`);
    expect(rm.status).toBe(409);
    expect((rm.json() as { message: string }).message).toMatch(/container is running/);
    expect((await http(port, 'POST', `/containers/${id}/kill?signal=KILL`)).status).toBe(204);
    expect((await http(port, 'POST', `/containers/${id}/wait`)).json()).toEqual({ StatusCode: 137, Error: null });
    expect((await http(port, 'POST', `/containers/${id}/stop`)).status).toBe(304);
    const kill = await http(port, 'POST', `/containers/${id}/kill`);
    expect(kill.status).toBe(409);
    expect((await http(port, 'DELETE', `/containers/${id}?force=1`)).status).toBe(204);
  });

  it('lists with all, filters and Docker field names', async () => {
    const id = await create({ Image: 'box', Cmd: ['true'], Labels: { tier: 'wire' } }, 'wire-list');
    const running = (await http(port, 'GET', '/containers/json')).json() as Array<{ Id: string }>;
    expect(running.some((c) => c.Id === id)).toBe(false);
    const all = (await http(port, 'GET', '/containers/json?all=1')).json() as Array<{ Id: string; Names: string[]; State: string; Status: string }>;
    expect(all.find((c) => c.Id === id)).toMatchObject({ Names: ['/wire-list'], State: 'created', Status: 'Created' });
    const filtered = (await http(port, 'GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: { 'tier=wire': true } }))}`)).json() as Array<{ Id: string }>;
    expect(filtered.map((c) => c.Id)).toEqual([id]);
    const byStatus = (await http(port, 'GET', `/containers/json?filters=${encodeURIComponent(JSON.stringify({ status: ['created'], name: ['wire-list'] }))}`)).json() as Array<{ Id: string }>;
    expect(byStatus.map((c) => c.Id)).toEqual([id]);
    expect((await http(port, 'GET', '/containers/json?filters=notjson')).status).toBe(400);
  });

  it('adds SizeRw and SizeRootFs only when asked with size=1 (docker ps -s)', async () => {
    const id = await create({ Image: 'box', Cmd: ['true'] }, 'wire-sized');
    type Sized = { Id: string; SizeRw?: number; SizeRootFs?: number };
    const plain = ((await http(port, 'GET', '/containers/json?all=1')).json() as Sized[]).find((c) => c.Id === id);
    expect(plain).toBeDefined();
    expect(plain).not.toHaveProperty('SizeRw');
    const sized = ((await http(port, 'GET', '/containers/json?all=1&size=1')).json() as Sized[]).find((c) => c.Id === id);
    expect(sized?.SizeRw).toBe(0);
    expect(sized?.SizeRootFs).toBeGreaterThan(100_000); // box's files: nothing written yet, the image is all of it
  });
});

describe('attach, logs and exec streams', () => {
  it('hijacks attach with 101 UPGRADED and multiplexed frames, stdin until the half-close', async () => {
    const id = await create({ Image: 'box', Cmd: ['sh', '-c', 'cat; echo done >&2'], OpenStdin: true, StdinOnce: true, AttachStdin: true });
    const h = await hijack(port, `/v1.50/containers/${id}/attach?stream=1&stdin=1&stdout=1&stderr=1`);
    expect(h.statusLine).toBe('HTTP/1.1 101 UPGRADED');
    expect(h.headers).toMatchObject({ 'content-type': 'application/vnd.docker.multiplexed-stream', connection: 'Upgrade', upgrade: 'tcp' });
    h.socket.write('line one\nline two\n');
    h.socket.end(); // stdin EOF: the CLI half-closes
    expect((await http(port, 'POST', `/containers/${id}/start`)).status).toBe(204);
    const out = decodeFrames(await h.rest);
    expect(out.stdout).toBe('line one\nline two\n');
    expect(out.stderr).toBe('done\n');
    expect((await http(port, 'POST', `/containers/${id}/wait`)).json()).toEqual({ StatusCode: 0, Error: null });
  });

  it('sends raw bytes for a Tty container', async () => {
    const id = await create({ Image: 'box', Cmd: ['sh', '-c', 'echo out; echo err >&2'], Tty: true });
    const h = await hijack(port, `/containers/${id}/attach?stream=1&stdout=1&stderr=1`);
    expect(h.headers['content-type']).toBe('application/vnd.docker.raw-stream');
    h.socket.end();
    await http(port, 'POST', `/containers/${id}/start`);
    const raw = (await h.rest).toString('utf8');
    expect(raw.replace(/\r/g, '').split('\n').sort()).toEqual(['', 'err', 'out']);
  });

  it('answers a hijack for a missing container with a plain 404', async () => {
    const h = await hijack(port, '/containers/nosuch/attach?stream=1&stdout=1');
    expect(h.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(h.headers['content-type']).toBe('application/json');
    expect(JSON.parse((await h.rest).toString())).toEqual({ message: 'No such container: nosuch' });
  });

  it('serves logs framed, with tail and timestamps, and raw for Tty', async () => {
    const id = await create({ Image: 'box', Cmd: ['sh', '-c', 'echo a; echo b >&2; echo c'] });
    await http(port, 'POST', `/containers/${id}/start`);
    await http(port, 'POST', `/containers/${id}/wait`);
    const all = await http(port, 'GET', `/v1.50/containers/${id}/logs?stdout=1&stderr=1`);
    expect(all.headers['content-type']).toBe('application/vnd.docker.multiplexed-stream');
    const frames = decodeFrames(all.body);
    expect(frames.stdout).toBe('a\nc\n');
    expect(frames.stderr).toBe('b\n');
    const onlyOut = decodeFrames((await http(port, 'GET', `/containers/${id}/logs?stdout=1`)).body);
    expect(onlyOut.order).toEqual([[1, 'a\n'], [1, 'c\n']]);
    const tail = decodeFrames((await http(port, 'GET', `/containers/${id}/logs?stdout=1&stderr=1&tail=1`)).body);
    expect(tail.order).toEqual([[1, 'c\n']]);
    const stamped = decodeFrames((await http(port, 'GET', `/containers/${id}/logs?stdout=1&timestamps=1`)).body);
    for (const [, line] of stamped.order) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z [ac]\n$/);
    const detailed = decodeFrames((await http(port, 'GET', `/containers/${id}/logs?stdout=1&timestamps=1&details=1`)).body);
    for (const [, line] of detailed.order) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z  [ac]\n$/);
    const none = await http(port, 'GET', `/containers/${id}/logs`);
    expect([none.status, (none.json() as { message: string }).message]).toEqual([400, 'Bad parameters: you must choose at least one stream']);
    const tty = await create({ Image: 'box', Cmd: ['echo', 'tty'], Tty: true });
    await http(port, 'POST', `/containers/${tty}/start`);
    await http(port, 'POST', `/containers/${tty}/wait`);
    const raw = await http(port, 'GET', `/containers/${tty}/logs?stdout=1&stderr=1`);
    expect(raw.headers['content-type']).toBe('application/vnd.docker.raw-stream');
    expect(raw.text.replace(/\r/g, '')).toBe('tty\n');
  });

  it('follows logs until the container exits', async () => {
    const id = await create({ Image: 'box', Cmd: ['sh', '-c', 'echo first; read x; echo second'], OpenStdin: true, AttachStdin: true, StdinOnce: true });
    const h = await hijack(port, `/containers/${id}/attach?stream=1&stdin=1&stdout=1`);
    await http(port, 'POST', `/containers/${id}/start`);
    const following = await httpHeadFirst(port, 'GET', `/containers/${id}/logs?stdout=1&follow=1`);
    // the first line arrives while the container still waits for its input
    expect(decodeFrames(await following.firstChunk).stdout).toBe('first\n');
    h.socket.end('go\n');
    const frames = decodeFrames(Buffer.from(await following.body, 'latin1'));
    expect(frames.stdout).toBe('first\nsecond\n');
    await h.rest;
  });

  it('runs exec over a hijacked connection and reports its exit code', async () => {
    const id = await create({ Image: 'box', Cmd: ['sh', '-c', 'read x'], OpenStdin: true });
    await http(port, 'POST', `/containers/${id}/start`);
    const created = await http(port, 'POST', `/v1.50/containers/${id}/exec`, { body: JSON.stringify({ Cmd: ['sh', '-c', 'cat; echo bye >&2; exit 7'], AttachStdin: true, AttachStdout: true, AttachStderr: true }) });
    expect(created.status).toBe(201);
    const execId = (created.json() as { Id: string }).Id;
    const h = await hijack(port, `/v1.50/exec/${execId}/start`, JSON.stringify({ Detach: false, Tty: false }));
    expect(h.statusLine).toBe('HTTP/1.1 101 UPGRADED');
    h.socket.end('piped\n');
    const out = decodeFrames(await h.rest);
    expect(out).toMatchObject({ stdout: 'piped\n', stderr: 'bye\n' });
    expect((await http(port, 'GET', `/exec/${execId}/json`)).json()).toMatchObject({ ID: execId, Running: false, ExitCode: 7 });
    const noCmd = await http(port, 'POST', `/containers/${id}/exec`, { body: JSON.stringify({ Cmd: [] }) });
    expect(noCmd.status).toBe(400);
    const privileged = await http(port, 'POST', `/containers/${id}/exec`, { body: JSON.stringify({ Cmd: ['true'], Privileged: true }) });
    expect(privileged.status).toBe(400);
    await http(port, 'DELETE', `/containers/${id}?force=1`);
    const stopped = await http(port, 'POST', `/containers/nosuch/exec`, { body: JSON.stringify({ Cmd: ['true'] }) });
    expect(stopped.status).toBe(404);
  });
});

describe('images', () => {
  it('pulls with newline-delimited JSON progress; a missing image is a 404 before any progress, as Docker answers', async () => {
    const r = await http(port, 'POST', '/v1.50/images/create?fromImage=box&tag=1.0');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const lines = r.text.trim().split('\n').map((l) => JSON.parse(l) as { status?: string });
    expect(lines[0].status).toBe('Pulling from library/box');
    expect(lines.at(-1)?.status).toMatch(/^Status: (Downloaded newer image|Image is up to date) for box:1.0$/);
    // The registry says no before any progress line, so the answer is the error itself (dockerd's too).
    const missing = await http(port, 'POST', '/v1.50/images/create?fromImage=nosuch&tag=latest');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ message: "pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied" });
  });

  it('lists, inspects, tags (201), shows history and removes with Docker\'s answers', async () => {
    const list = (await http(port, 'GET', '/images/json')).json() as Array<{ Id: string; RepoTags: string[] }>;
    const box = list.find((i) => i.RepoTags.includes('box:latest'))!;
    expect(box.Id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const tagged = await http(port, 'POST', '/v1.50/images/box/tag?repo=wire%2Fcopy&tag=v1');
    expect([tagged.status, tagged.text]).toEqual([201, '']);
    expect(((await http(port, 'GET', '/images/wire/copy:v1/json')).json() as { Id: string }).Id).toBe(box.Id);
    const history = (await http(port, 'GET', '/images/wire/copy:v1/history')).json() as Array<{ Id: string; CreatedBy: string }>;
    expect(history[0].Id).toBe(box.Id);
    expect(history.at(-1)?.Id).toBe('<missing>');
    const removed = await http(port, 'DELETE', '/v1.50/images/wire%2Fcopy:v1');
    expect([removed.status, removed.json()]).toEqual([200, [{ Untagged: 'wire/copy:v1' }]]);
    const again = await http(port, 'DELETE', '/images/wire/copy:v1');
    expect([again.status, again.json()]).toEqual([404, { message: 'No such image: wire/copy:v1' }]);
    const badTag = await http(port, 'POST', '/images/box/tag?repo=UPPER');
    expect(badTag.status).toBe(400);
  });

  it('saves to a tar and loads it back with "Loaded image" lines', async () => {
    const saved = await http(port, 'GET', '/v1.50/images/get?names=box');
    expect(saved.status).toBe(200);
    expect(saved.headers['content-type']).toBe('application/x-tar');
    const loaded = await http(port, 'POST', '/v1.50/images/load', { body: saved.body, headers: { 'Content-Type': 'application/x-tar' } });
    expect(loaded.status).toBe(200);
    expect(loaded.headers['content-type']).toBe('application/json');
    expect(loaded.text).toContain('{"stream":"Loaded image: box:latest\\n"}');
    const broken = await http(port, 'POST', '/images/load', { body: new Uint8Array(1024).fill(7) });
    expect(broken.status).toBe(400);
  });

  it('builds from a tar context with the legacy builder stream ending in aux ID', async () => {
    const context = writeTar([
      { type: 'file', path: 'Dockerfile', content: new TextEncoder().encode('FROM box\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n') },
      { type: 'file', path: 'hello.txt', content: new TextEncoder().encode('hi from the context\n') },
    ]);
    const r = await http(port, 'POST', '/v1.50/build?t=wire-built&nocache=1', { body: context, headers: { 'Content-Type': 'application/x-tar' } });
    expect(r.status, r.text).toBe(200);
    const lines = r.text.trim().split('\n').map((l) => JSON.parse(l) as { stream?: string; aux?: { ID: string } });
    expect(lines[0].stream).toBe('Step 1/3 : FROM box\n');
    const aux = lines.find((l) => l.aux)!.aux!;
    expect(aux.ID).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(lines.map((l) => l.stream).filter(Boolean)).toContain(`Successfully tagged wire-built:latest\n`);
    expect(((await http(port, 'GET', '/images/wire-built/json')).json() as { Id: string }).Id).toBe(aux.ID);
    const escape = writeTar([{ type: 'file', path: 'Dockerfile', content: new TextEncoder().encode('FROM box\n') }]);
    // a context entry that climbs out of the root is refused before any step runs
    const hostile = new Uint8Array(escape);
    const name = new TextEncoder().encode('../../etc/evil');
    hostile.fill(0, 0, 100);
    hostile.set(name, 0);
    const sum = hostile.subarray(0, 512).reduce((n, b, i) => n + (i >= 148 && i < 156 ? 32 : b), 0);
    hostile.set(new TextEncoder().encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
    const refused = await http(port, 'POST', '/build', { body: hostile });
    expect(refused.status).toBe(400);
    expect((refused.json() as { message: string }).message).toMatch(/outside the root/);
  });

  it('commits a container (201 {Id}) and shows its changes', async () => {
    const id = await create({ Image: 'box', Cmd: ['sh', '-c', 'echo x > /tmp/made'] });
    await http(port, 'POST', `/containers/${id}/start`);
    await http(port, 'POST', `/containers/${id}/wait`);
    const changes = (await http(port, 'GET', `/containers/${id}/changes`)).json() as Array<{ Path: string; Kind: number }>;
    expect(changes).toContainEqual({ Path: '/tmp/made', Kind: 1 });
    const c = await http(port, 'POST', `/v1.50/commit?container=${id}&repo=wire-commit&tag=1&changes=${encodeURIComponent('CMD ["cat", "/tmp/made"]')}`);
    expect(c.status, c.text).toBe(201);
    const image = (await http(port, 'GET', '/images/wire-commit:1/json')).json() as { Id: string; Config: { Cmd: string[] } };
    expect(image.Id).toBe((c.json() as { Id: string }).Id);
    expect(image.Config.Cmd).toEqual(['cat', '/tmp/made']);
  });
});

describe('volumes, system and events', () => {
  it('creates (201), lists, inspects and removes volumes; 409 while in use', async () => {
    const created = await http(port, 'POST', '/v1.50/volumes/create', { body: JSON.stringify({ Name: 'wirevol', Labels: { a: 'b' } }) });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ Name: 'wirevol', Driver: 'local', Scope: 'local', Labels: { a: 'b' } });
    const list = (await http(port, 'GET', '/volumes')).json() as { Volumes: Array<{ Name: string }>; Warnings: string[] };
    expect(list.Volumes.map((v) => v.Name)).toContain('wirevol');
    expect(list.Warnings).toEqual([]);
    const id = await create({ Image: 'box', HostConfig: { Binds: ['wirevol:/data'] } });
    expect((await http(port, 'DELETE', '/volumes/wirevol')).status).toBe(409);
    await http(port, 'DELETE', `/containers/${id}`);
    expect((await http(port, 'DELETE', '/volumes/wirevol')).status).toBe(204);
    expect((await http(port, 'GET', '/volumes/wirevol')).status).toBe(404);
    const plugin = await http(port, 'POST', '/volumes/create', { body: JSON.stringify({ Name: 'x', Driver: 'nfs' }) });
    expect(plugin.status).toBe(404);
  });

  it('answers info and system df with the fields the CLI reads', async () => {
    const info = (await http(port, 'GET', '/v1.50/info')).json();
    expect(info).toMatchObject({ OSType: 'linux', Architecture: 'wasm', Swarm: { LocalNodeState: 'inactive' } });
    const df = (await http(port, 'GET', '/v1.50/system/df')).json() as Record<string, unknown>;
    expect(Object.keys(df).sort()).toEqual(['BuildCache', 'Containers', 'Images', 'LayersSize', 'Volumes']);
    const version = (await http(port, 'GET', '/version')).json() as { Components: Array<{ Name: string; Details: Record<string, string> }> };
    expect(version.Components[0].Details).toMatchObject({ Arch: 'wasm', Experimental: 'false' });
  });

  it('streams events from `since` on, filtered, until `until`', async () => {
    const since = (Date.now() / 1000).toFixed(3);
    const until = Math.floor(Date.now() / 1000) + 2;
    const volumes = encodeURIComponent(JSON.stringify({ type: ['volume'] }));
    const events = httpHeadFirst(port, 'GET', `/events?since=${since}&until=${until}&filters=${volumes}`);
    const head = await events;
    expect(head.status).toBe(200);
    await http(port, 'POST', '/volumes/create', { body: JSON.stringify({ Name: 'evvol' }) });
    await http(port, 'POST', '/containers/create', { body: JSON.stringify({ Image: 'box' }) });
    const lines = (await head.body).trim().split('\n').map((l) => JSON.parse(l) as { Type: string; Action: string; Actor: { ID: string } });
    expect(lines.map((e) => [e.Type, e.Action, e.Actor.ID])).toEqual([['volume', 'create', 'evvol']]);
    // `until` in the past: what the engine kept up to then, and the stream ends (docker events --until).
    const past = await http(port, 'GET', `/events?until=${(Date.now() / 1000).toFixed(3)}&filters=${volumes}`);
    const kept = past.text.trim().split('\n').map((l) => (JSON.parse(l) as { Actor: { ID: string } }).Actor.ID);
    expect(kept).toContain('evvol');
    const bad = await http(port, 'GET', '/events?since=yesterday');
    expect([bad.status, bad.json()]).toEqual([400, { message: 'invalid value for since: "yesterday" is not a unix timestamp' }]);
  });
});
