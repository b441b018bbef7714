/**
 * Registry credentials travel with the pull or push they are for, as Docker's X-Registry-Auth:
 * the header's codec, and a push and pull through DockerApiEngine -> HTTP -> the core -> a
 * registry that wants a login.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DockerApiEngine } from '../../../engine/docker-api/client.ts';
import { decodeRegistryAuth, encodeRegistryAuth } from '../../../engine/docker-api/registry-auth.ts';
import { EngineError } from '../../../engine/errors.ts';
import { DistributionClient } from '../../../engine/registry/distribution-client.ts';
import { FakeRegistry } from '../core/support/fake-registry.ts';
import { layoutWithBox } from '../core/support/shipped.ts';
import { makeHost } from '../core/support/test-host.ts';
import { listen } from './support/node-listener.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('X-Registry-Auth', () => {
  it('reads what the docker CLI sends: base64url JSON, padded or not', () => {
    const json = JSON.stringify({ username: 'me', password: 'pa/ss+wörd?', serveraddress: '127.0.0.1:5000' });
    const padded = Buffer.from(json).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    const expected = { username: 'me', password: 'pa/ss+wörd?', serveraddress: '127.0.0.1:5000' };
    expect(decodeRegistryAuth(padded)).toEqual(expected);
    expect(decodeRegistryAuth(Buffer.from(json).toString('base64url'))).toEqual(expected);
    expect(decodeRegistryAuth(Buffer.from(json).toString('base64'))).toEqual(expected);
    expect(decodeRegistryAuth(encodeRegistryAuth(expected))).toEqual(expected);
  });

  it('sends {} without a login, as the CLI does for a push', () => {
    expect(encodeRegistryAuth(undefined)).toBe('e30=');
    expect(decodeRegistryAuth('e30=')).toBeUndefined();
    expect(decodeRegistryAuth(undefined)).toBeUndefined();
  });

  it('takes a header that does not decode as no login, as dockerd does', () => {
    for (const bad of ['%%%', Buffer.from('not json').toString('base64'), Buffer.from('{"username":1,"password":"x"}').toString('base64'), Buffer.from('[]').toString('base64'), Buffer.from([0xff, 0xfe, 0x7b]).toString('base64')]) {
      expect(decodeRegistryAuth(bad)).toBeUndefined();
    }
  });
});

describe('credentials through the Engine API over HTTP', () => {
  it('push and pull use the login they carry, and only that call', async () => {
    const registry = new FakeRegistry({ auth: { username: 'dockyard', password: 'the token' } });
    const host = makeHost({ layout: await layoutWithBox(), registry: new DistributionClient({ fetch: registry.fetch }) });
    const listener = await listen(host.engine);
    cleanups.push(async () => {
      await listener.close();
      host.dispose();
    });
    const client = new DockerApiEngine({ baseUrl: listener.url });
    const auth = { username: 'dockyard', password: 'the token' };
    await client.pull('box');
    await client.tag('box', 'localhost:5000/team/box:1');

    const refused = await client.push('localhost:5000/team/box:1').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EngineError);
    expect((refused as EngineError).code).toBe('unauthorized');
    const wrong = await client.push('localhost:5000/team/box:1', { auth: { ...auth, password: 'guess' } }).catch((e: unknown) => e);
    expect((wrong as EngineError).code).toBe('unauthorized');

    const pushed = await client.push('localhost:5000/team/box:1', { auth });
    expect(registry.manifests.has('team/box@1')).toBe(true);
    await client.removeImage('localhost:5000/team/box:1');
    const anonymous = await client.pull('localhost:5000/team/box:1').catch((e: unknown) => e);
    expect((anonymous as EngineError).code).toBe('unauthorized');
    const pulled = await client.pull('localhost:5000/team/box:1', { auth });
    expect(pulled.RepoDigests).toContain(`localhost:5000/team/box@${pushed.Digest}`);
  });
});
