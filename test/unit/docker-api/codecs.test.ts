/** The wire codecs on their own: frames, JSON lines, the status <-> code inverse, query and body rules. */
import { describe, expect, it } from 'vitest';
import { containerCreate, execCreate } from '../../../engine/docker-api/bodies.ts';
import { errorCodeForStatus } from '../../../engine/docker-api/error-status.ts';
import { encodeFrame, FrameDecoder } from '../../../engine/docker-api/frames.ts';
import { JsonLineDecoder } from '../../../engine/docker-api/json-stream.ts';
import { boolParam, filtersParam, intParam } from '../../../engine/docker-api/query.ts';
import { requestToken } from '../../../engine/docker-api/ws-protocol.ts';
import { httpStatus, type ErrorCode } from '../../../engine/errors.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('frames', () => {
  it('writes Docker\'s 8-byte header: stream, three zeros, big-endian length', () => {
    const f = encodeFrame(2, enc.encode('hey'));
    expect([...f]).toEqual([2, 0, 0, 0, 0, 0, 0, 3, 104, 101, 121]);
  });

  it('decodes the same frames from a stream cut at every byte', () => {
    const frames = [encodeFrame(1, enc.encode('out\n')), encodeFrame(2, enc.encode('')), encodeFrame(2, new Uint8Array(300).fill(65)), encodeFrame(1, enc.encode('é'))];
    const bytes = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) {
      bytes.set(f, at);
      at += f.length;
    }
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new FrameDecoder();
      const got = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
      expect(got.map((g) => [g.stream, dec.decode(g.payload)])).toEqual([[1, 'out\n'], [2, ''], [2, 'A'.repeat(300)], [1, 'é']]);
      expect(d.pending).toBe(0);
    }
  });

  it('refuses a header with a bad stream byte or a huge claimed length instead of buffering it', () => {
    expect(() => new FrameDecoder().push(new Uint8Array([7, 0, 0, 0, 0, 0, 0, 1, 65]))).toThrow(/invalid stream frame header/);
    expect(() => new FrameDecoder().push(new Uint8Array([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]))).toThrow(/larger than/);
  });
});

describe('JSON lines', () => {
  it('splits objects across chunk boundaries and multi-byte characters, and takes a last line without newline', () => {
    const text = enc.encode('{"status":"a"}\n\n{"stream":"ü\\n"}\n{"aux":{"ID":"x"}}');
    const d = new JsonLineDecoder();
    const got: unknown[] = [];
    for (let i = 0; i < text.length; i += 3) got.push(...d.push(text.subarray(i, i + 3)));
    got.push(...d.end());
    expect(got).toEqual([{ status: 'a' }, { stream: 'ü\n' }, { aux: { ID: 'x' } }]);
  });
});

describe('status <-> error code', () => {
  const codes: ErrorCode[] = ['invalid-argument', 'invalid-content', 'not-found', 'already-exists', 'conflict', 'not-modified', 'resource-exhausted', 'unauthorized', 'forbidden', 'unavailable', 'cannot-invoke', 'command-not-found', 'internal'];
  it('is the inverse of httpStatus: every code comes back with the same status', () => {
    for (const c of codes) expect(httpStatus(errorCodeForStatus(httpStatus(c))), c).toBe(httpStatus(c));
  });
  it('reads the shared statuses as the everyday code, and unknown ones by class', () => {
    expect([400, 404, 409, 304, 500].map(errorCodeForStatus)).toEqual(['invalid-argument', 'not-found', 'conflict', 'not-modified', 'internal']);
    expect([418, 502].map(errorCodeForStatus)).toEqual(['invalid-argument', 'internal']);
  });
});

describe('query parameters', () => {
  it('reads booleans as Docker does', () => {
    const q = new URLSearchParams('a=1&b=true&c=0&d=false&e=&f=no&g=yes&h=None');
    expect(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'missing'].map((k) => boolParam(q, k))).toEqual([true, true, false, false, false, false, true, false, false]);
  });
  it('refuses non-integers and takes both filter spellings', () => {
    expect(() => intParam(new URLSearchParams('t=1e3'), 't')).toThrow(/invalid value for t/);
    expect(intParam(new URLSearchParams('t=-1'), 't')).toBe(-1);
    expect(filtersParam(new URLSearchParams({ filters: '{"status":{"exited":true,"running":false}}' })).get('status')).toEqual(['exited']);
    expect(filtersParam(new URLSearchParams({ filters: '{"label":["a=b"]}' })).get('label')).toEqual(['a=b']);
    expect(() => filtersParam(new URLSearchParams({ filters: '[1]' }))).toThrow(/invalid filter/);
  });
});

describe('request bodies', () => {
  it('maps the docker CLI\'s create body, with null for "not given" and a string Cmd', () => {
    expect(containerCreate({ Image: 'box', Cmd: 'sh', Entrypoint: null, Env: ['A=1'], Tty: true, OpenStdin: false, HostConfig: { Binds: null, Memory: 0, AutoRemove: true, NetworkMode: 'default' } }, 'n')).toEqual({
      Image: 'box',
      name: 'n',
      Cmd: ['sh'],
      Env: ['A=1'],
      Tty: true,
      OpenStdin: false,
      HostConfig: { AutoRemove: true, NetworkMode: 'default' },
    });
    expect(containerCreate({ Image: 'box', HostConfig: { Mounts: [{ Type: 'volume', Source: 'v', Target: '/d', ReadOnly: true }] } }, undefined)).toEqual({ Image: 'box', HostConfig: { Binds: ['v:/d:ro'] } });
  });

  it('refuses what would reach the host, in create and exec', () => {
    expect(() => containerCreate({ Image: 'box', HostConfig: { UTSMode: 'host' } }, undefined)).toThrow(/UTSMode "host" is not allowed/);
    expect(() => containerCreate({ Image: 'box', HostConfig: { Sysctls: { 'net.ipv4.ip_forward': '1' } } }, undefined)).toThrow(/Sysctls is not allowed/);
    expect(() => containerCreate({ Image: 'box', HostConfig: { Mounts: [{ Type: 'tmpfs', Target: '/t' }] } }, undefined)).toThrow(/type "tmpfs" is not allowed/);
    expect(() => containerCreate({ Image: 'box', HostConfig: { SecurityOpt: ['apparmor=unconfined'] } }, undefined)).toThrow(/not allowed/);
    expect(() => containerCreate({ Image: 'box', HostConfig: { CgroupParent: '/' } }, undefined)).toThrow(/CgroupParent is not allowed/);
    expect(() => containerCreate({ Cmd: ['sh'] }, undefined)).toThrow(/no image given/);
    expect(() => execCreate({ Cmd: ['sh'], Privileged: true })).toThrow(/Privileged is not allowed/);
  });
});

describe('tokens', () => {
  it('comes from the header or a dockyard.token subprotocol, never anything else', () => {
    expect(requestToken({ 'x-dockyard-token': 'a' })).toBe('a');
    expect(requestToken({ 'sec-websocket-protocol': 'dockyard.attach.v1, dockyard.token.b' })).toBe('b');
    expect(requestToken({ 'sec-websocket-protocol': 'dockyard.attach.v1' })).toBeUndefined();
    expect(requestToken({})).toBeUndefined();
  });
});
