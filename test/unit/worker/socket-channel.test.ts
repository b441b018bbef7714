/**
 * The socket channel (worker/net/socket-channel.ts) between a guest that blocks in its calls and
 * the hub that serves them: the guest runs in a worker thread (socket-channel-guest.ts) as in a
 * process Worker, the test's thread is the engine Worker with its NetworkHub and a second
 * container. Calls, answers, errors with their errno and words, the 64 KiB bound of one send, a
 * wait woken by the doorbell the hub rings, and the end of the channel.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { NetworkHub } from '../../../worker/net/network-hub.ts';
import { CHANNEL_DATA_BYTES } from '../../../worker/net/socket-channel.ts';
import { SockErrno } from '../../../engine/wasi/socket-abi.ts';
import type { DriverEndpoint } from '../../../engine/ports.ts';

const endpoint = (address: string): DriverEndpoint => ({ networkId: 'app', networkName: 'app', driver: 'bridge', subnet: '172.18.0.0/16', gateway: '172.18.0.1', internal: false, address, mac: '', resolves: true });

let worker: Worker | undefined;
afterEach(async () => {
  await worker?.terminate();
  worker = undefined;
});

it('carries a guest blocking calls to the hub and back; the doorbell wakes its waits; a closed channel answers ENETDOWN', async () => {
  const hub = new NetworkHub();
  await hub.attach('guest', { endpoints: [endpoint('172.18.0.2')], ports: [] });
  await hub.attach('peer', { endpoints: [endpoint('172.18.0.3')], ports: [] });
  const control = new SharedArrayBuffer(32);
  const words = new Int32Array(control);
  const channel = hub.open('guest', () => {
    Atomics.add(words, 0, 1);
    Atomics.notify(words, 0);
  });
  // A worker thread of Node runs the guest's TypeScript through tsx (ts-worker-boot.mjs).
  const module = new URL('./socket-channel-guest.ts', import.meta.url).href;
  worker = new Worker(new URL('./ts-worker-boot.mjs', import.meta.url), { workerData: { module, buffer: channel.buffer, control } });
  const messages: unknown[] = [];
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        worker!.off('error', reject);
        messages.push(m);
        resolve(m);
      };
      worker!.once('message', onMessage);
      worker!.once('error', reject);
    });
  expect(await next()).toBe('ready');
  worker.postMessage('serve');
  expect(await next()).toEqual({ listening: { address: '0.0.0.0', port: 7000 } });
  // The guest now waits in accept (it says so before it sleeps): the connection rings its doorbell.
  expect(await next()).toBe('waiting');
  const peer = hub.net.transport('peer');
  const s = peer.open();
  peer.connect(s, { address: '172.18.0.2', port: 7000 });
  const accepted = await next();
  expect(accepted).toEqual({ accepted: { address: '172.18.0.3', port: peer.local(s).port } });
  // And in recv: the data rings it again.
  expect(await next()).toBe('waiting');
  peer.send(s, new TextEncoder().encode('hello guest'));
  const r = await next();
  expect(r).toMatchObject({
    got: 'hello guest',
    sent: CHANNEL_DATA_BYTES,
    refused: { errno: SockErrno.CONNREFUSED, message: 'connection refused: nothing listens on 172.18.0.2:1' },
    outside: { errno: SockErrno.NETUNREACH, message: expect.stringContaining('the playground has no outside network') },
    resolved: ['127.0.0.1'],
    addresses: [
      { address: '127.0.0.1', prefix: 8 },
      { address: '172.18.0.2', prefix: 16 },
    ],
    peer: { address: '172.18.0.3', port: peer.local(s).port },
    ready: { readable: false, writable: false, hangup: false },
    served: true,
  });
  expect(peer.recv(s, 1 << 20, false).length).toBe(CHANNEL_DATA_BYTES);
  channel.close();
  worker.postMessage('after-close');
  expect(await next()).toEqual({ afterClose: { errno: SockErrno.NETDOWN, message: 'the container has left the network' } });
}, 60_000);
