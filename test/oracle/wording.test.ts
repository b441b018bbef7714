import { request } from 'node:http';
import { describe, expect, inject } from 'vitest';
import { oracleIt } from './open-differences.ts';
import { Oracle } from './oracle.ts';

const o = new Oracle();

/** One raw request over a unix socket: what any Docker API client reads. */
function raw(socket: string, method: string, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: { Host: 'docker' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe("the engine's own words", () => {
  oracleIt('routes neither engine serves, and a known path with the wrong method', async () => {
    const { referenceSocket, kernelSocket } = inject('oracle');
    for (const [method, path] of [['GET', '/nope'], ['GET', '/containers/x/nope'], ['PUT', '/containers/json'], ['DELETE', '/version'], ['POST', '/images/json']]) {
      const [reference, ours] = await Promise.all([raw(referenceSocket, method, path), raw(kernelSocket, method, path)]);
      expect(ours, `${method} ${path}`).toEqual(reference);
    }
  });

  oracleIt('errors of the CLI against each engine: unknown objects, bad names', async () => {
    await o.same(['inspect', 'nosuch']);
    await o.same(['start', 'nosuch']);
    await o.same(['stop', 'nosuch']);
    await o.same(['logs', 'nosuch']);
    await o.same(['rm', 'nosuch']);
    await o.same(['volume', 'inspect', 'nosuch']);
    await o.same(['run', '--rm', 'Box']);
    await o.same(['create', '--name', '/', 'box']);
  });
});
