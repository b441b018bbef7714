/** The real core (memory stores, directory snapshotter, Node WASI runtime) behind the API on loopback. */
import { layoutWithBox } from '../../core/support/shipped.ts';
import { makeHost, type TestHost } from '../../core/support/test-host.ts';
import { listen, type TestListener } from './node-listener.ts';

export interface ApiHost {
  host: TestHost;
  listener: TestListener;
  dispose(): Promise<void>;
}

export async function startApiHost(options: { pullBox?: boolean; clock?: 'real' | number } = {}): Promise<ApiHost> {
  const host = makeHost({ layout: await layoutWithBox(), clock: options.clock ?? 'real' });
  if (options.pullBox ?? true) await host.engine.pull('box');
  const listener = await listen(host.engine);
  return {
    host,
    listener,
    async dispose() {
      await listener.close();
      host.dispose();
    },
  };
}
