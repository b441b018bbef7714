/** Request bodies of the network model: what the docker CLI sends, and hostile or careless JSON. */
import { describe, expect, it } from 'vitest';
import { containerCreate, networkConnect, networkCreate, networkDisconnect } from '../../../engine/docker-api/bodies.ts';

describe('container create: ports and networks', () => {
  it("maps the docker 28 CLI's body for run -p 8080:80 -P --expose 90 --network app --network-alias db", () => {
    const body = {
      Image: 'box',
      ExposedPorts: { '80/tcp': {}, '90/tcp': {} },
      HostConfig: { NetworkMode: 'app', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, PublishAllPorts: true, Links: null },
      NetworkingConfig: { EndpointsConfig: { app: { IPAMConfig: null, Links: null, Aliases: ['db'], MacAddress: '', DriverOpts: null, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '' } } },
    };
    expect(containerCreate(body, 'kv')).toEqual({
      Image: 'box',
      name: 'kv',
      ExposedPorts: { '80/tcp': {}, '90/tcp': {} },
      HostConfig: { NetworkMode: 'app', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, PublishAllPorts: true },
      NetworkingConfig: { EndpointsConfig: { app: { Aliases: ['db'] } } },
    });
    // No --network: the CLI names the endpoint "default" and sends no aliases.
    expect(containerCreate({ Image: 'box', HostConfig: { NetworkMode: 'default' }, NetworkingConfig: { EndpointsConfig: { default: {} } } }, undefined)).toEqual({
      Image: 'box',
      HostConfig: { NetworkMode: 'default' },
      NetworkingConfig: { EndpointsConfig: { default: {} } },
    });
  });

  it('refuses malformed bindings and what this engine cannot give, never ignores it', () => {
    const create = (host: object, extra: object = {}) => () => containerCreate({ Image: 'box', HostConfig: host, ...extra }, undefined);
    expect(create({ PortBindings: { '80/tcp': 'x' } })).toThrow('invalid JSON: HostConfig.PortBindings.80/tcp must be an array');
    expect(create({ PortBindings: { '80/tcp': [{ HostIp: 1 }] } })).toThrow('invalid JSON: HostConfig.PortBindings.80/tcp[0].HostIp must be a string');
    expect(create({ PortBindings: [] })).toThrow('invalid JSON: HostConfig.PortBindings must be an object');
    expect(create({ NetworkMode: 'host' })).toThrow(/^the host network is not available here/);
    expect(create({ NetworkMode: 'container:abc' })).toThrow(/^NetworkMode "container:abc" is not allowed/);
    expect(create({ Links: ['kv:db'] })).toThrow(/^links \(--link\) are not supported/);
    expect(create({}, { NetworkingConfig: { EndpointsConfig: { app: { IPAMConfig: { IPv4Address: '172.18.0.9' } } } } })).toThrow(/^static addresses \(--ip, --ip6\) are not supported/);
    expect(create({}, { NetworkingConfig: { EndpointsConfig: { app: { MacAddress: '02:42:ac:12:00:09' } } } })).toThrow(/^a fixed MAC address/);
    expect(create({}, { NetworkingConfig: { EndpointsConfig: { app: { Aliases: 'db' } } } })).toThrow('invalid JSON: NetworkingConfig.EndpointsConfig.app.Aliases must be an array of strings');
    expect(create({}, { NetworkingConfig: { EndpointsConfig: [] } })).toThrow('invalid JSON: NetworkingConfig.EndpointsConfig must be an object');
  });
});

describe('network bodies', () => {
  it("maps docker network create's body", () => {
    const body = { Name: 'app', CheckDuplicate: true, Driver: 'bridge', Scope: '', EnableIPv6: false, IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.5.0.0/16', Gateway: '10.5.0.1' }] }, Internal: true, Attachable: false, Ingress: false, ConfigOnly: false, ConfigFrom: null, Options: {}, Labels: { a: 'b' } };
    expect(networkCreate(body)).toEqual({ Name: 'app', Driver: 'bridge', Internal: true, Labels: { a: 'b' }, Options: {}, IPAM: { Driver: 'default', Config: [{ Subnet: '10.5.0.0/16', Gateway: '10.5.0.1' }] } });
    expect(networkConnect({ Container: 'web', EndpointConfig: { Aliases: ['front'] } })).toEqual({ container: 'web', config: { Aliases: ['front'] } });
    expect(networkDisconnect({ Container: 'web', Force: true })).toEqual({ container: 'web', force: true });
  });

  it('refuses what it cannot do, in clear words', () => {
    expect(() => networkCreate({})).toThrow('network name must not be empty');
    expect(() => networkCreate({ Name: 'v6', EnableIPv6: true })).toThrow(/non-overlapping IPv6 address pool/);
    expect(() => networkCreate({ Name: 'x', Ingress: true })).toThrow(/not a swarm manager/);
    expect(() => networkCreate({ Name: 'x', ConfigOnly: true })).toThrow(/config-only networks/);
    expect(() => networkCreate({ Name: 'x', IPAM: { Config: {} } })).toThrow('invalid JSON: IPAM.Config must be an array');
    expect(() => networkCreate({ Name: 'x', IPAM: { Config: [{ Subnet: 7 }] } })).toThrow('invalid JSON: IPAM.Config[0].Subnet must be a string');
    expect(() => networkConnect({ EndpointConfig: {} })).toThrow('no container given to connect');
    expect(() => networkDisconnect({ Container: 3 })).toThrow('invalid JSON: Container must be a string');
  });
});
