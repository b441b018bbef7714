/**
 * The guest side of test/unit/worker/socket-channel.test.ts, in a worker thread: it blocks in its
 * socket calls (Atomics.wait) as a container's process Worker does, while the test's thread serves
 * them from the hub.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChannelSockets } from '../../../worker/net/socket-channel.ts';
import { SockErrno } from '../../../engine/wasi/socket-abi.ts';
import { SocketError } from '../../../engine/wasi/socket-port.ts';

const { buffer, control } = workerData as { module: string; buffer: SharedArrayBuffer; control: SharedArrayBuffer };
const sockets = new ChannelSockets();
let served = 0;
/** Whether this blocking call has said it waits: the test then acts, so the doorbell must wake it. */
let announced = false;
const post = (m: unknown) => parentPort!.postMessage(m);
sockets.use(buffer, new Int32Array(control), () => {
  served++;
  if (!announced) post('waiting');
  announced = true;
});

/** As guest-sockets.ts blocks: try, and on AGAIN wait on the doorbell (a minute at most: a missed ring fails the test). */
function blocking<T>(attempt: () => T): T {
  announced = false;
  for (;;) {
    try {
      return attempt();
    } catch (e) {
      if (!(e instanceof SocketError && e.errno === SockErrno.AGAIN)) throw e;
    }
    sockets.wait(60_000);
  }
}

function failure(call: () => unknown): { errno: number; message: string } | undefined {
  try {
    call();
    return undefined;
  } catch (e) {
    if (e instanceof SocketError) return { errno: e.errno, message: e.message };
    throw e;
  }
}

parentPort!.on('message', (step: string) => {
  if (step === 'serve') {
    const l = sockets.open();
    sockets.bind(l, { address: '0.0.0.0', port: 7000 });
    sockets.listen(l, 4);
    post({ listening: sockets.local(l) });
    const conn = blocking(() => sockets.accept(l));
    post({ accepted: conn.peer });
    const got = blocking(() => sockets.recv(conn.id, 100, false));
    const sent = sockets.send(conn.id, new Uint8Array(100 * 1024).fill(7));
    const refused = failure(() => sockets.connect(sockets.open(), { address: '172.18.0.2', port: 1 }));
    const outside = failure(() => sockets.connect(sockets.open(), { address: '10.1.2.3', port: 80 }));
    post({ got: new TextDecoder().decode(got), sent, refused, outside, resolved: sockets.resolve('localhost'), addresses: sockets.addresses(), peer: sockets.peer(conn.id), ready: sockets.ready(conn.id), served: served > 0 });
  } else if (step === 'after-close') {
    post({ afterClose: failure(() => sockets.open()) });
  }
});
post('ready');
