/**
 * The baseline in a Worker: bare-wasi.ts's run of a module the page sent, with each output and the
 * exit posted back. The least any engine that runs a container in its own Worker must add to the
 * bare baseline: one message in, one out per write, one for the exit.
 */
import { bareRun } from './bare-wasi.ts';

let module: WebAssembly.Module | undefined;

self.onmessage = async (event: MessageEvent<{ module: WebAssembly.Module } | { args: string[] }>) => {
  if ('module' in event.data) {
    module = event.data.module;
    self.postMessage({ ready: true });
    return;
  }
  const code = await bareRun(module!, event.data.args, (fd, data) => self.postMessage({ fd, data }, [data.buffer]));
  self.postMessage({ code });
};
