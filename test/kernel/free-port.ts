import { createServer } from 'node:net';

/** A loopback port nothing listens on now (the kernel picks it; closed again at once), or `port` itself once nothing holds it (rejects while something does). */
export function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      const got = (s.address() as { port: number }).port;
      s.close(() => resolve(got));
    });
  });
}
