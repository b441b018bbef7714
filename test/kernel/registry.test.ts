import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../engine/oci/digest.ts';
import { tempDir } from './harness.ts';
import { startService, type RunningService } from './service.ts';

let svc: RunningService;
let tcpConfig: string;
const dir = tempDir('dockyard-registry-');

beforeAll(async () => {
  svc = await startService(dir);
  // The docker CLI on the token-guarded TCP listener: the token rides in HttpHeaders.
  tcpConfig = join(dir, 'docker-tcp');
  mkdirSync(tcpConfig, { recursive: true });
  writeFileSync(join(tcpConfig, 'config.json'), JSON.stringify({ HttpHeaders: { 'x-dockyard-token': svc.token } }));
});

afterAll(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function docker(args: string[]): Promise<string> {
  const r = await svc.docker(args, { env: { DOCKER_HOST: `tcp://127.0.0.1:${svc.port}`, DOCKER_CONFIG: tcpConfig } });
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function skopeo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile('skopeo', args, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, maxBuffer: 64 << 20 }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

const registry = () => `127.0.0.1:${svc.port}`;

function v2(method: string, path: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://${registry()}${path}`, { method, headers: { Authorization: `Bearer ${svc.token}`, ...headers }, ...(body ? { body: Buffer.from(body) } : {}) });
}

const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;

describe('the OCI registry on the kernel service', () => {
  it('asks for credentials: the token as Basic password or bearer, nothing without it', async () => {
    const bare = await fetch(`http://${registry()}/v2/`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const basic = await fetch(`http://${registry()}/v2/`, { headers: { Authorization: `Basic ${Buffer.from(`x:${svc.token}`).toString('base64')}` } });
    expect(basic.status).toBe(200);
    expect(basic.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const wrong = await fetch(`http://${registry()}/v2/`, { headers: { Authorization: `Basic ${Buffer.from('x:nope').toString('base64')}` } });
    expect(wrong.status).toBe(401);
  });

  it('docker push through the engine, skopeo copy into an OCI layout with the same digests, pull back after rmi', async () => {
    await docker(['pull', 'box']);
    const ref = `${registry()}/box:1.0`;
    await docker(['tag', 'box', ref]);
    const push = await docker(['push', ref]);
    expect(push).toMatch(/1\.0: digest: sha256:[0-9a-f]{64}/);
    const pushed = /digest: (sha256:[0-9a-f]{64})/.exec(push)![1]!;
    const imageId = (await docker(['image', 'inspect', '--format', '{{.Id}}', 'box'])).trim();
    const diffIds = JSON.parse(await docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', 'box'])) as string[];

    const tags = (await (await v2('GET', '/v2/box/tags/list')).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['1.0']);

    const out = join(dir, 'oci');
    // Our layers are uncompressed tars: without --dest-oci-accept-uncompressed-layers skopeo gzips
    // them for an oci: destination (new digests); --preserve-digests makes it fail rather than rewrite.
    const copy = await skopeo(['copy', '--preserve-digests', '--dest-oci-accept-uncompressed-layers', '--src-tls-verify=false', '--src-creds', `x:${svc.token}`, '--override-os', 'wasi', '--override-arch', 'wasm', `docker://${ref}`, `oci:${out}:1.0`]);
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    const index = json(join(out, 'index.json')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === '1.0')!;
    // The tag may name an index (of wasi/wasm entries): skopeo then copies the wasi/wasm manifest in it.
    const served = await v2('GET', '/v2/box/manifests/1.0');
    expect(served.headers.get('docker-content-digest')).toBe(pushed);
    const doc = (await served.json()) as { manifests?: { digest: string; platform?: { os: string; architecture: string } }[] };
    const platformManifest = doc.manifests ? doc.manifests.find((m) => m.platform?.os === 'wasi' && m.platform.architecture === 'wasm')!.digest : pushed;
    expect(entry.digest).toBe(platformManifest);
    const blob = (d: string) => readFileSync(join(out, 'blobs', 'sha256', d.slice('sha256:'.length)));
    const manifestBytes = blob(entry.digest);
    expect(sha256(manifestBytes)).toBe(platformManifest);
    expect(new Uint8Array(manifestBytes)).toEqual(new Uint8Array(await (await v2('GET', `/v2/box/manifests/${platformManifest}`)).arrayBuffer()));
    const manifest = JSON.parse(manifestBytes.toString()) as { config: { digest: string }; layers: { digest: string }[] };
    expect(manifest.config.digest).toBe(imageId);
    // Our layers are stored uncompressed: each layer digest is its diff_id.
    expect(manifest.layers.map((l) => l.digest)).toEqual(diffIds);
    for (const d of [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) expect(sha256(blob(d))).toBe(d);

    await docker(['rmi', 'box', ref]);
    expect(await docker(['images', '-q'])).not.toContain(imageId.slice(7, 19));
    const pull = await docker(['pull', ref]);
    expect(pull).toContain(`Digest: ${pushed}`);
    expect((await docker(['image', 'inspect', '--format', '{{.Id}}', ref])).trim()).toBe(imageId);
    expect(await docker(['run', '--rm', ref, 'echo', 'pulled back'])).toBe('pulled back\n');
  });

  it('tags/list pages with n, last and Link over the service\'s HTTP; skopeo list-tags reads them all', async () => {
    await docker(['pull', 'box']);
    for (const t of ['c', 'a', 'b']) {
      await docker(['tag', 'box', `${registry()}/pages:${t}`]);
      await docker(['push', `${registry()}/pages:${t}`]);
    }
    const first = await v2('GET', '/v2/pages/tags/list?n=2');
    expect(first.headers.get('link')).toBe('</v2/pages/tags/list?n=2&last=b>; rel="next"');
    expect(await first.json()).toEqual({ name: 'pages', tags: ['a', 'b'] });
    const next = await v2('GET', '/v2/pages/tags/list?n=2&last=b');
    expect(next.headers.get('link')).toBeNull();
    expect(await next.json()).toEqual({ name: 'pages', tags: ['c'] });
    const listed = await skopeo(['list-tags', '--tls-verify=false', '--creds', `x:${svc.token}`, `docker://${registry()}/pages`]);
    expect(listed.stderr).toBe('');
    expect(JSON.parse(listed.stdout)).toEqual({ Repository: `${registry()}/pages`, Tags: ['a', 'b', 'c'] });
  });

  it('refuses a blob with a wrong digest and a manifest naming a missing blob (HOSTILE 13)', async () => {
    const bytes = new TextEncoder().encode('not what the digest says');
    const claimed = sha256(new TextEncoder().encode('something else'));
    const mono = await v2('POST', `/v2/evil/blobs/uploads/?digest=${claimed}`, bytes);
    expect(mono.status).toBe(400);
    expect(((await mono.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('DIGEST_INVALID');
    expect((await v2('HEAD', `/v2/evil/blobs/${claimed}`)).status).toBe(404);
    expect((await v2('HEAD', `/v2/evil/blobs/${sha256(bytes)}`)).status).toBe(404);

    const config = new TextEncoder().encode('{"architecture":"wasm","os":"wasi","rootfs":{"type":"layers","diff_ids":[]}}');
    expect((await v2('POST', `/v2/evil/blobs/uploads/?digest=${sha256(config)}`, config)).status).toBe(201);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: claimed, size: 14 }],
    });
    const put = await v2('PUT', '/v2/evil/manifests/1.0', new TextEncoder().encode(manifest), { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
    expect(put.status).toBe(400);
    expect(((await put.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('MANIFEST_BLOB_UNKNOWN');
    expect((await v2('GET', '/v2/evil/manifests/1.0')).status).toBe(404);
  });
});
